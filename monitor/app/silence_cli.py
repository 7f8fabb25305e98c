"""``dlmon silence add|ls|expire``: manage the running daemon's silences over its HTTP API
(like ``amtool silence``).

The daemon is found at ``--url`` (default: ``server.host``/``server.port`` of the config);
writes send ``--token`` (default: ``$DLMON_API_TOKEN``, then ``server.api_token``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any, TextIO

from monitor.errors import DlmonError

TIMEOUT_SECONDS = 10.0


def add_parser(sub: Any) -> None:
    """Add the ``silence`` command and its subcommands to ``sub`` (argparse subparsers)."""
    silence = sub.add_parser("silence", help="add, list or expire silences of a running daemon")
    silence.add_argument("--config", help="YAML config (for server.host/port and api_token)")
    silence.add_argument("--url", help="the daemon's base URL (default from the config)")
    silence.add_argument("--token", help="API token (default $DLMON_API_TOKEN or the config)")
    actions = silence.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="silence alerts matching every matcher")
    add.add_argument("matchers", nargs="+", metavar="MATCHER", help='e.g. pair=PONY rule=~"edge.*"')
    add.add_argument("--duration", default="1h", help="how long (30m, 2h, 1d; default 1h)")
    add.add_argument("--end", help="end time, RFC 3339 (instead of --duration)")
    add.add_argument("--comment", required=True, help="why (shown in the list)")
    add.add_argument("--author", default=None, help="who (default: the user name)")
    ls = actions.add_parser("ls", help="list silences (active and pending; --all for expired)")
    ls.add_argument("--all", action="store_true", help="include expired silences")
    ls.add_argument("--json", action="store_true", help="print the API's JSON")
    expire = actions.add_parser("expire", help="end silences now")
    expire.add_argument("ids", nargs="+", metavar="ID")
    silence.set_defaults(func=main)


def _endpoint(args: argparse.Namespace) -> tuple[str, str | None]:
    token = args.token or os.environ.get("DLMON_API_TOKEN")
    url = args.url
    if url is None or token is None:
        from monitor.app.build import load

        settings = load(args.config)
        if url is None:
            host = settings.server.host
            host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            url = f"http://{host}:{settings.server.port}"
        if token is None and settings.server.api_token is not None:
            token = settings.server.api_token.get_secret_value()
    return url.rstrip("/"), token


def _call(method: str, url: str, token: str | None, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read()).get("error", exc.reason)
        except ValueError:
            reason = exc.reason
        raise DlmonError(f"{method} {url}: HTTP {exc.code}: {reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DlmonError(f"cannot reach the daemon at {url}: {exc}") from None


def main(args: argparse.Namespace, out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    base, token = _endpoint(args)
    api = f"{base}/api/v1/silences"
    if args.action == "add":
        body: dict[str, Any] = {
            "matchers": list(args.matchers),
            "comment": args.comment,
            "createdBy": args.author or getpass.getuser(),
        }
        body.update({"endsAt": args.end} if args.end else {"duration": args.duration})
        created = _call("POST", api, token, body)
        print(created["id"], file=stream)
        return 0
    if args.action == "expire":
        for sid in args.ids:
            _call("DELETE", f"{api}/{sid}", token)
            print(f"expired {sid}", file=stream)
        return 0
    items = _call("GET", api, token)
    if not args.all:
        items = [s for s in items if s["status"]["state"] != "expired"]
    if args.json:
        print(json.dumps(items, indent=2), file=stream)
        return 0
    print(f"{'ID':<36}  {'STATE':<8}  {'ENDS':<29}  {'BY':<10}  MATCHERS  # COMMENT", file=stream)
    for s in items:
        matchers = " ".join(s["matchers_text"])
        print(
            f"{s['id']:<36}  {s['status']['state']:<8}  {s['endsAt']:<29}  "
            f"{s['createdBy'][:10]:<10}  {matchers}  # {s['comment']}",
            file=stream,
        )
    return 0
