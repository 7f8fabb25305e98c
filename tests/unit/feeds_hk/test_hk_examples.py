"""The HK config examples validate, build their feeds, and missing extras are explained."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

import monitor.logs
from monitor.app.build import build_feeds, build_pairs, load
from monitor.cli import main
from monitor.core.sessions import SessionCalendar

EXAMPLES = Path(__file__).parents[3] / "config" / "examples"


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("POLYGON_API_KEY", "OANDA_TOKEN", "OANDA_ACCOUNT_ID", "ITICK_TOKEN"):
        monkeypatch.setenv(name, "test-secret")


@pytest.mark.parametrize(
    ("example", "types"),
    [
        ("ibkr.yaml", {"ibkr"}),
        ("futu-polygon-oanda.yaml", {"futu", "polygon", "oanda"}),
        ("itick.yaml", {"itick"}),
    ],
)
def test_example_builds_every_feed(example: str, types: set[str]) -> None:
    settings = load(EXAMPLES / example)
    assert {f.type for f in settings.feeds.values()} == types
    pairs = build_pairs(settings)
    feeds = build_feeds(settings, pairs, lambda e: None, time.time_ns, SessionCalendar("exchange"))
    served = {i for cfg in settings.feeds.values() for i in cfg.instruments}
    assert served == {"PONY", "2026.HK", "USDHKD"}
    assert len(feeds) == len(settings.feeds)


@pytest.mark.parametrize(
    ("module", "example", "extra"),
    [
        ("ib_async", "ibkr.yaml", "ibkr"),
        ("futu", "futu-polygon-oanda.yaml", "futu"),
    ],
)
def test_config_without_the_extra_says_which_extra_to_install(
    module: str,
    example: str,
    extra: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    # keep the process-wide structlog setup: main() would bind it to the captured stdout
    monkeypatch.setattr(monitor.logs, "configure_logging", lambda *a, **k: None)
    # both check-config and run refuse the config up front, naming the extra to install
    assert main(["check-config", str(EXAMPLES / example)]) == 2
    assert f"pip install 'dlmon[{extra}]'" in capsys.readouterr().err
    assert main(["run", "--config", str(EXAMPLES / example)]) == 2
    assert f"pip install 'dlmon[{extra}]'" in capsys.readouterr().err
