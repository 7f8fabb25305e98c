"""``dlmon replay`` over an ADS ratio change: each day's premium uses the ratio in force.

BABA's ratio is dated in the catalogue (8 from 2019-11-26); the config adds a change to 4
from 2026-04-06 (a depositary announcement the catalogue does not have yet). The same
prices on 3 and 6 April give two different premiums, each by the oracle's formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.support import oracle
from tests.support.cli import run_subprocess

TICKS = """ts,instrument,kind,bid,bid_size,ask,ask_size,price,size
2026-04-03T14:30:00Z,USDHKD,quote,7.781,,7.7814,,,
2026-04-03T14:30:00.250Z,9988.HK,quote,18.40,2000,18.42,1500,,
2026-04-03T14:30:00.500Z,BABA,quote,150.1,300,150.3,500,,
2026-04-06T14:30:00Z,USDHKD,quote,7.781,,7.7814,,,
2026-04-06T14:30:00.250Z,9988.HK,quote,18.40,2000,18.42,1500,,
2026-04-06T14:30:00.500Z,BABA,quote,150.1,300,150.3,500,,
"""
CONFIG = """
pairs:
  BABA:
    ratios:
      - {ratio: 8, effective_from: 2019-11-26, source: HK prospectus 2019}
      - {ratio: 4, effective_from: 2026-04-06, source: "depositary notice (test)"}
feeds:
  sim: {type: simulator}
"""


def test_each_day_uses_the_ratio_in_force_that_day(tmp_path: Path) -> None:
    ticks = tmp_path / "baba.csv"
    ticks.write_text(TICKS, encoding="utf-8")
    config = tmp_path / "dlmon.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    series = tmp_path / "series.csv"
    result = run_subprocess(
        "replay",
        str(ticks),
        "--config",
        str(config),
        "--sessions",
        "always_open",
        "--series",
        str(series),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with series.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    first, last = rows[0], rows[-1]
    assert first["ts"].startswith("17752266005") and last["ts"].startswith("17754858005")
    # (150.2 * 7.7812 / r) / 18.41 - 1: r = 8 -> -20.6 %; r = 4 -> +58.8 %
    assert float(first["mid"]) == pytest.approx(oracle.mid_premium(150.2, 7.7812, 18.41, 8))
    assert float(last["mid"]) == pytest.approx(oracle.mid_premium(150.2, 7.7812, 18.41, 4))
    assert float(last["mid"]) == pytest.approx(150.2 * 7.7812 / 4 / 18.41 - 1)
