"""The status page in a real headless Chromium (Debian `chromium`) driven by Playwright.

`dlmon run` starts as a subprocess on the simulator; the page must show the numbers of
/api/v1/pairs, update them without a reload, draw the chart and come back by itself after
the daemon is restarted. Playwright uses the system browser; it never downloads one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.net import free_port, get
from tests.support.polling import wait_until

CONFIG = """\
server: {host: 127.0.0.1, port: %d}
log: {level: WARNING, format: json}
sessions: {mode: always_open}
pairs:
  PONY: {us: PONY, hk: 2026.HK, ads_ratio: 1, edge_notional_usd: 100000}
feeds:
  sim:
    type: simulator
    seed: 7
    updates_per_second: 2   # slow enough that the page and the API see the same inputs
    instruments: [PONY, 2026.HK, USDHKD]
"""
DEADLINE_MS = 15_000


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI (.ci/run installs the Debian package)")
        pytest.skip("no system Chromium (Debian package `chromium`); the page test needs one")
    return path


class DaemonProcess:
    """`dlmon run` on a fixed port, restartable on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = tmp_path / "dlmon.yaml"
        self.config.write_text(CONFIG % self.port)
        self.cwd = tmp_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ}
        env.pop("DLMON_CONFIG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--config", str(self.config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.cwd,
        )
        wait_until(lambda: get(self.base + "/readyz")[0] == 200)

    def stop(self) -> float:
        """SIGTERM and wait; return how long the daemon took to exit."""
        started = time.monotonic()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        return time.monotonic() - started

    def pony(self) -> dict[str, Any]:
        status, body = get(self.base + "/api/v1/pairs")
        assert status == 200
        (pony,) = json.loads(body)
        return dict(pony)


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[DaemonProcess]:
    process = DaemonProcess(tmp_path)
    process.start()
    try:
        yield process
    finally:
        process.stop()


PAGE_STATE = """() => {
  const card = document.querySelector('article[data-pair="PONY"]');
  const value = (f) => card.querySelector(`[data-field="${f}"]`);
  const leg = (n) => card.querySelector(`tr[data-leg="${n}"]`);
  return {
    mid: value("premium-mid").dataset.value,
    mid_text: value("premium-mid").textContent,
    hk_us: value("premium-buy_hk_sell_us").dataset.value,
    us_hk: value("premium-buy_us_sell_hk").dataset.value,
    implied_fx: value("fx-implied").dataset.value,
    ts: ["us", "hk", "fx"].map((n) => leg(n).dataset.ts),
    us_bid: leg("us").querySelector('[data-field="bid"]').textContent,
    hk_ask: leg("hk").querySelector('[data-field="ask"]').textContent,
    points: Number(card.querySelector(".chart").dataset.points || 0),
    conn: document.querySelector("#conn").dataset.state,
    marker: window.__sameDocument === true,
  };
}"""


def test_status_page_live_numbers_chart_and_reconnect(daemon: DaemonProcess) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(daemon.base + "/", timeout=DEADLINE_MS)
            page.wait_for_selector(
                '#conn[data-state="live"]', timeout=DEADLINE_MS, state="attached"
            )
            page.wait_for_selector(
                'article[data-pair="PONY"] [data-field="premium-mid"][data-value]',
                timeout=DEADLINE_MS,
                state="attached",
            )
            page.evaluate("() => { window.__sameDocument = true; }")

            # its numbers are those of /api/v1/pairs (same inputs: same leg timestamps)
            def same_inputs() -> tuple[dict[str, Any], dict[str, Any]] | None:
                shown = page.evaluate(PAGE_STATE)
                api = daemon.pony()
                stamps = [api[leg]["receive_timestamp"] or "" for leg in ("us", "hk", "fx")]
                return (shown, api) if shown["ts"] == stamps else None

            shown, api = wait_until(same_inputs)
            premium = api["premium"]
            assert premium["mid"] is not None
            assert float(shown["mid"]) == premium["mid"]
            assert float(shown["hk_us"]) == premium["buy_hk_sell_us"]
            assert float(shown["us_hk"]) == premium["buy_us_sell_hk"]
            assert shown["mid_text"] == f"{premium['mid'] * 1e4:+.1f} bp"
            implied = api.get("implied_fx", premium.get("implied_fx"))
            if implied is None:  # the API has no such field: the page computes it
                implied = api["ads_ratio"] * api["hk"]["mid"] / api["us"]["mid"]
            assert float(shown["implied_fx"]) == pytest.approx(implied, rel=1e-12)
            assert float(shown["us_bid"]) == api["us"]["bid"]
            assert float(shown["hk_ask"]) == api["hk"]["ask"]

            # they change without a reload, and the chart gains points
            first = shown
            later = wait_until(
                lambda: (
                    (s := page.evaluate(PAGE_STATE))["mid"] != first["mid"]
                    and s["points"] >= 3
                    and s
                )
            )
            assert later["marker"], "the page was reloaded"
            # the day view: per-minute means from the daemon, then back to the hour
            page.click('article[data-pair="PONY"] button[data-window="1d"]')
            page.wait_for_function(
                """() => { const c = document.querySelector('article[data-pair="PONY"]');
                  return c.querySelector('[data-field="points"]').textContent.endsWith('minutes')
                    && Number(c.querySelector('.chart').dataset.points) >= 1; }""",
                timeout=DEADLINE_MS,
            )
            page.click('article[data-pair="PONY"] button[data-window="1h"]')
            page.wait_for_function(
                """() => Number(document.querySelector('article[data-pair="PONY"] .chart')
                  .dataset.points) >= 3""",
                timeout=DEADLINE_MS,
            )
            # usable at 390 px: nothing wider than the screen outside the scrolling tables
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390

            # the daemon restarts: the page says it is reconnecting, then comes back by itself
            # an open event stream does not hold the shutdown up
            assert daemon.stop() < 5
            page.wait_for_selector(
                '#conn[data-state="reconnecting"]', timeout=DEADLINE_MS, state="attached"
            )
            before = page.evaluate(PAGE_STATE)
            daemon.start()
            page.wait_for_selector(
                '#conn[data-state="live"]', timeout=DEADLINE_MS, state="attached"
            )
            after = wait_until(
                lambda: (s := page.evaluate(PAGE_STATE))["ts"] != before["ts"] and s["mid"] and s
            )
            assert after["marker"], "recovery needed a reload"
            assert errors == []
        finally:
            browser.close()
