"""On-call endpoints: silences (read and write), sinks, and the token every write needs.

``GET/POST /api/v1/silences``, ``GET/DELETE /api/v1/silences/{id}``, ``GET /api/v1/sinks``.
Every request that changes something under ``/api/v1/`` (POST, PUT, PATCH, DELETE) needs
``Authorization: Bearer <server.api_token>``; without a configured token writes are
refused (403), with a wrong or missing one they are unauthorised (401).
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web

from monitor.alerts.silences import Silences
from monitor.matchers import Matcher, parse_matcher, parse_matchers

NS = 1_000_000_000
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class OnCall(Protocol):
    """What these endpoints need from the daemon's alerting stack."""

    @property
    def silences(self) -> Silences: ...

    def now(self) -> int: ...

    def api_alerts(self, states: Collection[str] = ("firing",)) -> list[dict[str, Any]]: ...

    def api_sinks(self) -> list[dict[str, Any]]: ...


ONCALL_KEY = web.AppKey("dlmon_oncall", OnCall)
TOKEN_KEY = web.AppKey("dlmon_api_token", str)


def parse_duration(text: str) -> int:
    """``"2h"``, ``"1h30m"``, ``"45s"``, ``"1d"`` -> nanoseconds (``ValueError`` if bad)."""
    m = _DURATION.match(text.strip())
    if not text.strip() or m is None:
        raise ValueError(f"not a duration: {text!r} (e.g. 30m, 2h, 1d)")
    d, h, mi, s = (int(x or 0) for x in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 * NS + s * NS


def parse_time(value: Any) -> int:
    """An RFC 3339 time or nanoseconds since the epoch -> nanoseconds."""
    if isinstance(value, int):
        return value
    when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise ValueError(f"time without a zone: {value!r}")
    return int(when.timestamp() * NS)


def matchers_of(raw: Any) -> list[Matcher]:
    """``["pair=PONY", ...]``, one ``'{a="1", b="2"}'`` string, or Alertmanager objects."""
    if isinstance(raw, str):
        return parse_matchers(raw)
    if not isinstance(raw, list):
        raise ValueError("matchers must be a list")
    return [parse_matcher(m) if isinstance(m, str) else Matcher.from_json(m) for m in raw]


def error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse writes under /api/v1/ without the configured bearer token."""
    if request.method in WRITE_METHODS and request.path.startswith("/api/v1/"):
        token = request.app.get(TOKEN_KEY)
        if not token:
            return error(403, "writes are disabled: set server.api_token")
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip(), token):
            return error(401, "missing or wrong API token (Authorization: Bearer ...)")
    return await handler(request)


def _oncall(request: web.Request) -> OnCall:
    return request.app[ONCALL_KEY]


async def list_silences(request: web.Request) -> web.Response:
    oncall = _oncall(request)
    now = oncall.now()
    return web.json_response([s.to_json(now) for s in oncall.silences.all(now)])


async def get_silence(request: web.Request) -> web.Response:
    oncall = _oncall(request)
    silence = oncall.silences.get(request.match_info["id"])
    if silence is None:
        return error(404, "no such silence")
    return web.json_response(silence.to_json(oncall.now()))


async def create_silence(request: web.Request) -> web.Response:
    """Body: ``matchers``, ``endsAt`` or ``duration``, optional ``startsAt``, ``createdBy``,
    ``comment`` (Alertmanager v2 names). Answers 201 with ``{"id": ...}``."""
    oncall = _oncall(request)
    now = oncall.now()
    try:
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        matchers = matchers_of(body.get("matchers"))
        starts = parse_time(body["startsAt"]) if body.get("startsAt") else now
        if body.get("endsAt"):
            ends = parse_time(body["endsAt"])
        elif body.get("duration"):
            ends = starts + parse_duration(str(body["duration"]))
        else:
            raise ValueError("give endsAt or duration")
        silence = oncall.silences.add(
            matchers,
            starts,
            ends,
            created_by=str(body.get("createdBy", "")),
            comment=str(body.get("comment", "")),
            now_ns=now,
        )
    except (ValueError, KeyError, TypeError) as exc:
        return error(400, str(exc))
    await _save(oncall)
    return web.json_response({"id": silence.id, "silence": silence.to_json(now)}, status=201)


async def expire_silence(request: web.Request) -> web.Response:
    oncall = _oncall(request)
    silence = oncall.silences.expire(request.match_info["id"], oncall.now())
    if silence is None:
        return error(404, "no such silence")
    await _save(oncall)
    return web.json_response(silence.to_json(oncall.now()))


async def _save(oncall: OnCall) -> None:
    try:
        await asyncio.to_thread(oncall.silences.save)
    except OSError as exc:  # kept in memory; the next change tries again
        raise web.HTTPInternalServerError(
            text=f'{{"error": "silence kept in memory but not saved: {exc.strerror}"}}',
            content_type="application/json",
        ) from None


async def alerts(request: web.Request) -> web.Response:
    """``?state=firing`` (default), ``pending``, or ``all``."""
    wanted = request.query.get("state", "firing")
    states = ("pending", "firing") if wanted == "all" else (wanted,)
    return web.json_response(_oncall(request).api_alerts(states))


async def sinks(request: web.Request) -> web.Response:
    return web.json_response(_oncall(request).api_sinks())


def register(app: web.Application, oncall: OnCall | None, api_token: str | None) -> None:
    """Add the token check and, with an alerting stack, the on-call routes to ``app``."""
    app.middlewares.append(require_token)
    if api_token:
        app[TOKEN_KEY] = api_token
    if oncall is None:
        return
    app[ONCALL_KEY] = oncall
    app.router.add_get("/api/v1/silences", list_silences)
    app.router.add_post("/api/v1/silences", create_silence)
    app.router.add_get("/api/v1/silences/{id}", get_silence)
    app.router.add_delete("/api/v1/silences/{id}", expire_silence)
    app.router.add_get("/api/v1/sinks", sinks)
