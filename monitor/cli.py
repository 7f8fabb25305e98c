"""The ``dlmon`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor import __version__
from monitor.errors import ConfigError, DlmonError

if TYPE_CHECKING:  # imported by the commands that need it (start-up stays lazy)
    from monitor.settings.root import Settings

# asyncio, yaml and the rest are imported by the commands that use them: for run, gateway
# and record inside monitor.startup.long_lived, with the garbage collector off (imported
# here, asyncio alone cost ~4 ms of collections at start-up)

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


def _service_settings(config: str | None) -> Settings:
    """The settings of a long-running service, with logging set up (call it inside
    ``monitor.startup.long_lived``, with the service's own imports)."""
    from monitor.app.build import load
    from monitor.logs import configure_logging

    settings = load(config)
    configure_logging(settings.log.level, settings.log.format)
    return settings


def _cmd_run(args: argparse.Namespace) -> int:
    from monitor.startup import long_lived

    with long_lived():
        import asyncio

        from monitor.app.daemon import serve

        settings = _service_settings(args.config)
    asyncio.run(serve(settings))
    return 0


def _cmd_gateway(args: argparse.Namespace) -> int:
    from monitor.startup import long_lived

    with long_lived():
        import asyncio

        from monitor.app.gateway import serve_gateway

        settings = _service_settings(args.config)
    asyncio.run(serve_gateway(settings))
    return 0


def _cmd_record(args: argparse.Namespace) -> int:
    from monitor.startup import long_lived

    with long_lived():
        import asyncio

        from monitor.app.record import serve_recorder

        settings = _service_settings(args.config)
    asyncio.run(serve_recorder(settings, args.listen))
    return 0


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, not {value!r}")
    return host, int(port)


def _cmd_check_config(args: argparse.Namespace) -> int:
    import yaml

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

    bus = None
    if args.bus is not None:
        from monitor.recorder.bus_range import BusRange

        if args.files or args.since is None:
            raise ConfigError("replay --bus reads a stream: give --since (and no FILE)")
        bus = BusRange(args.bus, args.stream, args.subject_prefix, args.since, args.until)
    elif not args.files:
        raise ConfigError("replay: give tick FILEs, or --bus URL --since TIME")
    return replay_main(
        args.files,
        args.speed,
        args.config,
        args.sessions,
        args.series,
        args.json,
        args.strict,
        args.progress,
        bus,
    )


def _time(value: str) -> int:
    from monitor.recorder.format import parse_ts

    try:
        return parse_ts(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cmd_status(args: argparse.Namespace) -> int:
    from monitor.app.status import status_main

    return status_main(args.url, args.watch)


def _cmd_report(args: argparse.Namespace) -> int:
    from monitor.report.main import report_main

    return report_main(args.files, args.out, args.config, args.sessions, args.events, args.progress)


def _cmd_test_alert(args: argparse.Namespace) -> int:
    import asyncio

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

    gateway = sub.add_parser("gateway", help="run only the feeds, publishing to the tick bus")
    gateway.add_argument("--config", help="YAML config file (default: $DLMON_CONFIG or built-in)")
    gateway.set_defaults(func=_cmd_gateway)

    record = sub.add_parser("record", help="record the tick bus to files, losing nothing")
    record.add_argument("--config", help="YAML config file (default: $DLMON_CONFIG or built-in)")
    record.add_argument(
        "--listen", type=_listen, metavar="HOST:PORT", help="serve /metrics, /healthz, /readyz"
    )
    record.set_defaults(func=_cmd_record)

    check = sub.add_parser("check-config", help="validate a config and print it resolved")
    check.add_argument(
        "file", nargs="?", help="YAML config (default: $DLMON_CONFIG or built-in, as for run)"
    )
    check.set_defaults(func=_cmd_check_config)

    replay = sub.add_parser("replay", help="run the pipeline over recorded tick files")
    replay.add_argument("files", nargs="*", metavar="FILE", help="CSV or Parquet tick files")
    replay.add_argument("--bus", metavar="URL", help="read the tick bus (NATS) instead of files")
    replay.add_argument("--stream", default="DLMON", help="the bus stream (default DLMON)")
    replay.add_argument("--subject-prefix", default="dlmon", help="the bus subject prefix")
    replay.add_argument("--since", type=_time, metavar="TIME", help="ISO-8601 with zone, or ns")
    replay.add_argument(
        "--until", type=_time, metavar="TIME", help="end of the range (default: now)"
    )
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
    from monitor.startup import paused_gc

    with paused_gc():  # building the parser imports modules (~2 ms of collections)
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
