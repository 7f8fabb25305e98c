"""The ``dlmon`` command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

import yaml

from monitor import __version__
from monitor.errors import ConfigError, DlmonError

EXIT_CONFIG = 2
EDGE_CONVENTION = """\
premium and edges (ratios, 0.0123 = 1.23 %; docs/costs.md):
  mid             (us_mid * fx_mid / r) / hk_mid - 1; positive when the ADS is rich
  an edge is the return on the capital spent on the bought leg, in HKD, at
  N = edge_notional_usd, net of the costs in force on the day (dated fee table):
  buy_hk_sell_us  buy n*r HK shares at hk_ask (base n*r*hk_ask, n = N/us_bid),
                  deposit, sell n ADS at us_bid, sell the USD at fx_bid
  buy_us_sell_hk  buy n = N/us_ask ADS with N*fx_ask HKD (the base), cancel,
                  sell n*r HK shares at hk_bid; gross = r*hk_bid/(us_ask*fx_ask) - 1
  HK stamp duty per contract rounded up to the whole HK$; other fees unrounded
  implied FX      r * hk_mid / us_mid (the USD/HKD at which the pair is at parity)
"""


def _cmd_run(args: argparse.Namespace) -> int:
    from monitor.app.build import load
    from monitor.app.daemon import serve
    from monitor.logs import configure_logging

    settings = load(args.config)
    configure_logging(settings.log.level, settings.log.format)
    asyncio.run(serve(settings))
    return 0


def _cmd_check_config(args: argparse.Namespace) -> int:
    from monitor.app.build import check_served, load, redacted
    from monitor.settings.root import config_origin

    settings = load(args.file)
    check_served(settings, config_origin(args.file))
    sys.stdout.write(yaml.safe_dump(redacted(settings), sort_keys=False))
    sys.stdout.write(f"# {config_origin(args.file)}: OK\n")
    return 0


def _cmd_pairs(args: argparse.Namespace) -> int:
    from monitor.app.catalogue_cmd import print_catalogue

    return print_catalogue(args.json)


def _cmd_replay(args: argparse.Namespace) -> int:
    from monitor.app.replay import replay_main

    return replay_main(
        args.files,
        args.speed,
        args.config,
        args.sessions,
        args.series,
        args.json,
        args.strict,
        args.progress,
    )


def _cmd_status(args: argparse.Namespace) -> int:
    from monitor.app.status import status_main

    return status_main(args.url, args.watch)


def _cmd_report(args: argparse.Namespace) -> int:
    from monitor.report.main import report_main

    return report_main(args.files, args.out, args.config, args.sessions, args.events, args.progress)


def _cmd_test_alert(args: argparse.Namespace) -> int:
    from monitor.app.build import load
    from monitor.logs import configure_logging
    from monitor.notify.testalert import send_test_alert

    settings = load(args.config)
    configure_logging(settings.log.level, settings.log.format)
    return asyncio.run(send_test_alert(settings.notify, settings.alert_dashboard_url, args.sink))


def _speed(value: str) -> float:
    from monitor.feeds.replay.config import parse_speed

    try:
        return parse_speed(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlmon",
        description="HK/US dual-listing premium and liquidity monitor",
        epilog=EDGE_CONVENTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dlmon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the daemon (default config: the simulator)")
    run.add_argument("--config", help="YAML config file (default: $DLMON_CONFIG or built-in)")
    run.set_defaults(func=_cmd_run)

    check = sub.add_parser("check-config", help="validate a config and print it resolved")
    check.add_argument(
        "file", nargs="?", help="YAML config (default: $DLMON_CONFIG or built-in, as for run)"
    )
    check.set_defaults(func=_cmd_check_config)

    replay = sub.add_parser("replay", help="run the pipeline over recorded tick files")
    replay.add_argument("files", nargs="+", metavar="FILE", help="CSV or Parquet tick files")
    replay.add_argument(
        "--speed", type=_speed, default=0.0, help="1 = real time, 0 or max = fastest (default)"
    )
    replay.add_argument("--config", help="pairs, fees, sessions (default: built-in)")
    replay.add_argument(
        "--sessions",
        choices=["exchange", "always_open"],
        help="venue sessions (default: the config's, real exchange calendars for the built-in)",
    )
    replay.add_argument("--series", metavar="CSV", help="write every premium update ('-': stdout)")
    replay.add_argument("--json", action="store_true", help="print the summary as JSON")
    replay.add_argument("--strict", action="store_true", help="stop at the first malformed row")
    replay.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="progress line on stderr (default: when stderr is a terminal)",
    )
    replay.set_defaults(func=_cmd_replay)

    status = sub.add_parser("status", help="the running daemon's pairs, feeds and alerts")
    status.add_argument(
        "--url",
        default=os.environ.get("DLMON_URL", "http://127.0.0.1:9108"),
        help="the daemon's HTTP address (default: $DLMON_URL or http://127.0.0.1:9108)",
    )
    status.add_argument("--watch", action="store_true", help="redraw every second until Ctrl-C")
    status.set_defaults(func=_cmd_status)

    report = sub.add_parser("report", help="HTML report with plots from recorded tick files")
    report.add_argument("files", nargs="+", metavar="FILE", help="CSV or Parquet tick files")
    report.add_argument("--out", required=True, metavar="DIR", help="directory to write into")
    report.add_argument("--config", help="pairs, fees, sessions (default: built-in)")
    report.add_argument("--sessions", choices=["exchange", "always_open"], help="override")
    report.add_argument(
        "--events", metavar="FILE", help="dated events (YAML or CSV) drawn on the premium chart"
    )
    report.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="progress line on stderr (default: when stderr is a terminal)",
    )
    report.set_defaults(func=_cmd_report)

    test_alert = sub.add_parser("test-alert", help="send a test notification to one sink")
    test_alert.add_argument("--sink", required=True, metavar="NAME", help="a notify.sinks name")
    test_alert.add_argument("--config", help="YAML config (default: $DLMON_CONFIG or built-in)")
    test_alert.set_defaults(func=_cmd_test_alert)

    pairs = sub.add_parser("pairs", help="list the built-in catalogue of HK/US dual listings")
    pairs.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    pairs.set_defaults(func=_cmd_pairs)

    from monitor.app.silence_cli import add_parser as add_silence_parser

    add_silence_parser(sub)  # dlmon silence add|ls|expire
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dlmon`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        print(f"dlmon: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except DlmonError as exc:
        print(f"dlmon: {exc}", file=sys.stderr)
        return 1
    return code
