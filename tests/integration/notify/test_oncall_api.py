"""Silences through the HTTP API and ``dlmon silence``; the token; /api/v1/sinks (daemon)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

from monitor.app.build import load
from monitor.app.daemon import Daemon
from tests.support.cli import run_cli
from tests.support.notify import Receiver
from tests.support.polling import eventually

TOKEN = "s3cret-token"


def write_config(tmp_path: Path, receiver: Receiver, token_file: Path | None) -> Path:
    server: dict[str, Any] = {"host": "127.0.0.1", "port": 0}
    if token_file is not None:
        server["api_token_file"] = str(token_file)
    config = {
        "server": server,
        "sessions": {"mode": "always_open"},
        "pairs": {"PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1}},
        "feeds": {
            "sim": {"type": "simulator", "seed": 7, "instruments": ["PONY", "2026.HK", "USDHKD"]}
        },
        "alerts": {
            "evaluation_interval_seconds": 0.05,
            "state_dir": str(tmp_path / "alerts"),
            "rules": {  # always firing, re-notified every 0.2 s while not silenced
                "premium_watch": {
                    "kind": "premium",
                    "threshold": "-50%",
                    "for_seconds": 0,
                    "repeat_seconds": 0.2,
                    "severity": "critical",
                }
            },
        },
        "notify": {
            "spool_dir": str(tmp_path / "spool"),
            "sinks": {"desk": {"type": "webhook", "url": receiver.url("/hook")}},
        },
    }
    path = tmp_path / "dlmon.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def call(
    method: str, port: int, path: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as http:
        async with http.request(
            method, f"http://127.0.0.1:{port}{path}", json=body, headers=headers
        ) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def receiver() -> Any:
    r = Receiver(respond=lambda _: web.Response(status=200))
    await r.start()
    yield r
    await r.stop()


async def test_silence_mutes_repeats_shows_silenced_persists_and_expires(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    config = write_config(tmp_path, receiver, token_file)
    daemon = Daemon(load(config))
    await daemon.start()
    try:
        port = daemon.port
        assert port is not None
        await eventually(lambda: len(receiver.requests) >= 2, what="a page and a repeat")
        body = {"matchers": ['rule="premium_watch"', "pair=PONY"], "duration": "1h"}
        body |= {"comment": "known: PONY ADR conversion", "createdBy": "alice"}
        assert (await call("POST", port, "/api/v1/silences", None, body))[0] == 401
        assert (await call("POST", port, "/api/v1/silences", "wrong", body))[0] == 401
        status, created = await call("POST", port, "/api/v1/silences", TOKEN, body)
        assert status == 201
        sid = created["id"]

        # Muted: the sink counts muted repeats and the alert shows as silenced.
        def muted() -> int:
            return int(daemon.alerting.notify.muted_total.get("desk", 0))

        await eventually(lambda: muted() >= 2, what="repeats muted")
        sent = len(receiver.requests)
        await eventually(lambda: muted() >= 4, what="more repeats muted")
        assert len(receiver.requests) <= sent + 1  # at most one already queued
        _, [alert] = await call("GET", port, "/api/v1/alerts")
        assert alert["silenced_by"] == [sid] and alert["state"] == "firing"
        _, sinks = await call("GET", port, "/api/v1/sinks")
        assert sinks[0]["sink"] == "desk" and sinks[0]["health"] == "ok"
        assert sinks[0]["muted"] >= 4 and sinks[0]["queue_depth"] >= 0
        assert receiver.url("") not in str(sinks)  # the URL is a secret
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
        assert 'dlmon_notifications_muted_total{sink="desk"}' in metrics

        # The CLI lists it, then expires it: repeats resume.
        url = f"http://127.0.0.1:{port}"
        listed = await asyncio.to_thread(run_cli, capsys, "silence", "--url", url, "ls")
        assert listed.returncode == 0 and sid in listed.stdout
        assert 'rule="premium_watch"' in listed.stdout and "alice" in listed.stdout
        expire = ("silence", "--url", url, "--token", TOKEN, "expire", sid)
        done = await asyncio.to_thread(run_cli, capsys, *expire)
        assert done.returncode == 0, done.stderr
        resumed = len(receiver.requests)
        await eventually(lambda: len(receiver.requests) > resumed + 1, what="repeats again")
        _, [alert] = await call("GET", port, "/api/v1/alerts")
        assert alert["silenced_by"] == []
    finally:
        await daemon.stop()

    # Persisted: a new daemon on the same state directory knows the (expired) silence.
    daemon2 = Daemon(load(config))
    await daemon2.start()
    try:
        assert daemon2.port is not None
        _, items = await call("GET", daemon2.port, "/api/v1/silences")
        assert [(s["id"], s["status"]["state"]) for s in items] == [(sid, "expired")]
        assert items[0]["comment"] == "known: PONY ADR conversion"
        add = ("silence", "--url", f"http://127.0.0.1:{daemon2.port}", "--token", TOKEN)
        added = await asyncio.to_thread(
            run_cli, capsys, *add, "add", "severity=critical", "--comment", "x"
        )
        assert added.returncode == 0, added.stderr
        _, items = await call("GET", daemon2.port, "/api/v1/silences")
        assert {s["status"]["state"] for s in items} == {"active", "expired"}
    finally:
        await daemon2.stop()


async def test_writes_are_refused_without_a_configured_token(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    daemon = Daemon(load(write_config(tmp_path, receiver, None)))
    await daemon.start()
    try:
        assert daemon.port is not None
        body = {"matchers": ["pair=PONY"], "duration": "1h"}
        status, answer = await call("POST", daemon.port, "/api/v1/silences", "any", body)
        assert status == 403 and "server.api_token" in answer["error"]
        status, _ = await call("DELETE", daemon.port, "/api/v1/silences/x", "any")
        assert status == 403
        assert (await call("GET", daemon.port, "/api/v1/silences"))[0] == 200  # reads work
        url = f"http://127.0.0.1:{daemon.port}"
        cli = await asyncio.to_thread(
            run_cli,
            capsys,
            "silence",
            "--url",
            url,
            "--token",
            "t",
            "add",
            "pair=PONY",
            "--comment",
            "c",
        )
        assert cli.returncode == 1 and "HTTP 403" in cli.stderr
    finally:
        await daemon.stop()


async def test_bad_silences_are_rejected_with_the_reason(
    tmp_path: Path, receiver: Receiver
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    daemon = Daemon(load(write_config(tmp_path, receiver, token_file)))
    await daemon.start()
    try:
        port = daemon.port
        assert port is not None
        cases = [
            ({"matchers": ["pair=~(("], "duration": "1h"}, "regular expression"),
            ({"matchers": ['pair=~".*"'], "duration": "1h"}, "every alert"),
            ({"matchers": ["pair=PONY"]}, "endsAt or duration"),
            ({"matchers": [], "duration": "1h"}, "at least one matcher"),
            ({"matchers": ["pair=PONY"], "endsAt": "2000-01-01T00:00:00Z"}, "endsAt"),
        ]
        for body, reason in cases:
            status, answer = await call("POST", port, "/api/v1/silences", TOKEN, body)
            assert status == 400 and reason in answer["error"], (body, answer)
        status, _ = await call("DELETE", port, "/api/v1/silences/unknown", TOKEN)
        assert status == 404
    finally:
        await daemon.stop()


def test_the_api_token_is_a_secret_read_from_a_file_named_in_the_environment(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    monkeypatch.setenv("DLMON_SERVER__API_TOKEN_FILE", str(token_file))
    settings = load(write_config(tmp_path, receiver, None))
    assert settings.server.api_token is not None
    assert settings.server.api_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings.server)
