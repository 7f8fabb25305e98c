"""The ``dlmon`` command line."""

from __future__ import annotations

import argparse
import asyncio
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
    from monitor.core.catalogue import catalogue

    print(
        f"{'pair':<7} {'US':<7} {'venue':<6} {'HK':<9} {'ratio':>5}  {'src':<3} "
        f"{'since':<10} {'lot':>5} {'src':<3} company"
    )
    for p in catalogue().values():
        since = p.ratio_from.isoformat() if p.ratio_from else "-"
        print(
            f"{p.name:<7} {p.us:<7} {p.us_venue:<6} {p.hk:<9} {p.ratio:>5g}  "
            f"{p.confidence or '-':<3} {since:<10} {p.hk_lot:>5} {p.lot_confidence or '-':<3} "
            f"{p.company}"
        )
    print(
        "ratio = HK ordinary shares per ADS (since: in force from); lot = HKEX board lot;"
        " src: V primary source, S secondary, U unconfirmed (a U ratio needs ads_ratio in"
        " the config)"
    )
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from monitor.app.replay import replay_main

    return replay_main(
        args.files, args.speed, args.config, args.sessions, args.series, args.json, args.strict
    )


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
    replay.add_argument("--sessions", choices=["exchange", "always_open"], help="override")
    replay.add_argument("--series", metavar="CSV", help="write every premium update ('-': stdout)")
    replay.add_argument("--json", action="store_true", help="print the summary as JSON")
    replay.add_argument("--strict", action="store_true", help="stop at the first malformed row")
    replay.set_defaults(func=_cmd_replay)

    test_alert = sub.add_parser("test-alert", help="send a test notification to one sink")
    test_alert.add_argument("--sink", required=True, metavar="NAME", help="a notify.sinks name")
    test_alert.add_argument("--config", help="YAML config (default: $DLMON_CONFIG or built-in)")
    test_alert.set_defaults(func=_cmd_test_alert)

    pairs = sub.add_parser("pairs", help="list the built-in catalogue of HK/US dual listings")
    pairs.set_defaults(func=_cmd_pairs)
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
