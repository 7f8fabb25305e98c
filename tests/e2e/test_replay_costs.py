"""``dlmon replay`` gives the edges of the conventions at a stated fee table (docs/costs.md).

The tick file spans the SEC Section 31 change of 4 Apr 2026 (US$0 -> US$20.60 per
million): each day's edges must use that day's costs, or the one day ``fees.as_of`` names.
Expected values come from the independent oracle with the fee values written out here.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from monitor.core.fees import FeeSchedule
from tests.support import oracle
from tests.support.cli import run_subprocess

TICKS = Path(__file__).parents[1] / "fixtures" / "ticks" / "pony_fee_dates.csv"
CONFIG = """
fees:
  hk_commission_rate: 0.0003
  hk_commission_min_hkd: 50
{as_of}pairs:
  PONY:
    fees:
      us_commission_per_share: 0.005
      us_commission_min_usd: 1
feeds:
  sim: {{type: simulator}}
"""
# The stated table: the 2026-04-04 defaults (stamp 0.1 %, HKSCC 0.0042 % unbounded, TAF
# 0.000195 cap 9.79, US$0.05 per ADS) plus the config's commissions.
ON_APR_4 = FeeSchedule(
    hk_commission_rate=0.0003,
    hk_commission_min_hkd=50,
    us_commission_per_share=0.005,
    us_commission_min_usd=1,
    us_sec_fee_rate=20.60e-6,
)
ON_APR_3 = dataclasses.replace(ON_APR_4, us_sec_fee_rate=0.0)


def replay(tmp_path: Path, as_of: str = "") -> list[dict[str, str]]:
    config = tmp_path / "dlmon.yaml"
    config.write_text(CONFIG.format(as_of=as_of), encoding="utf-8")
    series = tmp_path / "series.csv"
    result = run_subprocess(
        "replay",
        str(TICKS),
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
        return list(csv.DictReader(fh))


def expected(
    us: tuple[float, float], hk: tuple[float, float], fx: tuple[float, float], fees: FeeSchedule
) -> tuple[float, float]:
    return (
        oracle.edge_buy_hk_sell_us(us[0], hk[1], fx[0], 1, fees, 100_000),
        oracle.edge_buy_us_sell_hk(us[1], hk[0], fx[1], 1, fees, 100_000),
    )


def test_each_day_is_costed_with_the_fees_in_force_that_day(tmp_path: Path) -> None:
    rows = replay(tmp_path)
    first, last = rows[0], rows[-1]
    assert first["ts"] == "1775226600500000000"  # 2026-04-03 14:30:00.5 UTC
    a, b = expected((15.20, 15.22), (118.4, 118.5), (7.781, 7.7814), ON_APR_3)
    assert float(first["buy_hk_sell_us"]) == pytest.approx(a, abs=1e-14)
    assert float(first["buy_us_sell_hk"]) == pytest.approx(b, abs=1e-14)
    assert last["ts"] == "1775485800500000000"  # 2026-04-06 14:30:00.5 UTC
    a, b = expected((15.30, 15.32), (119.0, 119.1), (7.7812, 7.7816), ON_APR_4)
    assert float(last["buy_hk_sell_us"]) == pytest.approx(a, abs=1e-14)
    assert float(last["buy_us_sell_hk"]) == pytest.approx(b, abs=1e-14)
    # by hand, the SEC fee on 2026-04-06: US$100,000 * 20.60e-6 = US$2.06 at the FX bid
    # 7.7812 over the base 6,535.948 * 119.10 = 778,431.37 HKD -> 2.06 bp of the edge
    without_sec = expected((15.30, 15.32), (119.0, 119.1), (7.7812, 7.7816), ON_APR_3)[0]
    assert without_sec - a == pytest.approx(2.06 * 7.7812 / (100_000 / 15.30 * 119.1), abs=1e-12)


def test_fees_as_of_replays_every_day_at_one_stated_table(tmp_path: Path) -> None:
    rows = replay(tmp_path, as_of="  as_of: 2026-04-04\n")
    a, b = expected((15.20, 15.22), (118.4, 118.5), (7.781, 7.7814), ON_APR_4)
    assert float(rows[0]["buy_hk_sell_us"]) == pytest.approx(a, abs=1e-14)
    assert float(rows[0]["buy_us_sell_hk"]) == pytest.approx(b, abs=1e-14)
    # the mid premium does not depend on costs: (15.21 * 7.7812 / 1) / 118.45 - 1
    assert float(rows[0]["mid"]) == pytest.approx(oracle.mid_premium(15.21, 7.7812, 118.45, 1))
