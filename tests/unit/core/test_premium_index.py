"""The dual-listing premium index: weights, value and rebalancing, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.core.premium_index import (
    ConstituentInput,
    IndexSettings,
    PremiumIndex,
    capped_weights,
    index_value,
    last_scheduled,
)

S = 1_000_000_000
DAY0 = int(pd.Timestamp("2026-12-01 09:00Z").value)  # after the 08:30 UTC rebalance


def inputs(**rows: tuple[float | None, float | None, float | None]) -> list[ConstituentInput]:
    """pair=(premium, hk_mid, hk turnover in USD)."""
    return [ConstituentInput(name, *row) for name, row in rows.items()]


def test_turnover_weights_are_shares_of_the_total() -> None:
    assert capped_weights({"A": 600.0, "B": 300.0, "C": 100.0}) == pytest.approx(
        {"A": 0.6, "B": 0.3, "C": 0.1}
    )


def test_a_capped_weight_passes_its_excess_to_the_others_pro_rata() -> None:
    # A: 0.6 -> 0.5; the 0.1 excess goes to B and C as 3:1 -> 0.375, 0.125
    assert capped_weights({"A": 6, "B": 3, "C": 1}, 0.5) == pytest.approx(
        {"A": 0.5, "B": 0.375, "C": 0.125}
    )
    # cap 0.35: A capped, then B (0.65 * 3/4 = 0.4875) capped too; C takes 1 - 0.7 = 0.3
    assert capped_weights({"A": 6, "B": 3, "C": 1}, 0.35) == pytest.approx(
        {"A": 0.35, "B": 0.35, "C": 0.3}
    )


def test_no_turnover_anywhere_or_an_unreachable_cap_gives_equal_weights() -> None:
    assert capped_weights({"A": 0.0, "B": 0.0}) == {"A": 0.5, "B": 0.5}
    assert capped_weights({"A": 1.0, "B": 2.0}, 0.4) == {"A": 0.5, "B": 0.5}


def test_the_value_is_the_aggregate_ads_over_hk_value_of_fixed_index_shares() -> None:
    index = PremiumIndex(IndexSettings())
    at_rebalance = inputs(A=(0.02, 100.0, 600.0), B=(-0.01, 50.0, 300.0), C=(0.0, 10.0, 100.0))
    view = index.update(DAY0, at_rebalance)
    # weights 0.6 / 0.3 / 0.1: 100 * (1 + 0.6*0.02 - 0.3*0.01) = 100.9
    assert view.value == pytest.approx(100.9)
    assert view.premium == pytest.approx(0.009)
    assert index.shares == pytest.approx({"A": 0.006, "B": 0.006, "C": 0.01})
    # later, same weights: HK values 0.66 / 0.30 / 0.10 (1.06); ADS 0.6666 / 0.294 / 0.103
    later = index.update(
        DAY0 + 60 * S, inputs(A=(0.01, 110.0, 1.0), B=(-0.02, 50.0, 1.0), C=(0.03, 10.0, 9e9))
    )
    assert later.rebalances == 1
    assert later.value == pytest.approx(100 * 1.0636 / 1.06)  # 100.3396...
    weights = {c.pair: c.weight for c in later.constituents}
    assert weights == pytest.approx({"A": 0.66 / 1.06, "B": 0.30 / 1.06, "C": 0.10 / 1.06})
    assert {c.pair: c.target_weight for c in later.constituents} == pytest.approx(
        {"A": 0.6, "B": 0.3, "C": 0.1}
    )


def test_a_constituent_without_a_premium_is_left_out_of_both_sums() -> None:
    shares = {"A": 0.006, "B": 0.006, "C": 0.01}
    value, weights = index_value(
        shares, inputs(A=(0.01, 110.0, 0), B=(None, 50.0, 0), C=(0.03, 10.0, 0)), 100.0
    )
    assert value == pytest.approx(100 * (0.6666 + 0.103) / 0.76)  # 101.263...
    assert set(weights) == {"A", "C"}


def test_market_cap_weights_come_from_the_config() -> None:
    index = PremiumIndex(IndexSettings(weighting="market_cap", market_caps={"A": 3e12, "B": 1e12}))
    view = index.update(DAY0, inputs(A=(0.04, 80.0, 1.0), B=(-0.04, 20.0, 1e9)))
    assert {c.pair: c.target_weight for c in view.constituents} == pytest.approx(
        {"A": 0.75, "B": 0.25}
    )
    assert view.value == pytest.approx(100 * (1 + 0.75 * 0.04 - 0.25 * 0.04))  # 102


def test_rebalances_follow_the_schedule_and_let_a_late_constituent_in() -> None:
    index = PremiumIndex(IndexSettings(anchor_seconds=8 * 3600 + 1800, interval_seconds=86_400))
    first = index.update(DAY0, inputs(A=(0.01, 100.0, 1.0), B=(None, None, None)))
    assert first.rebalances == 1 and first.included == 1
    assert first.next_rebalance_at == int(pd.Timestamp("2026-12-02 08:30Z").value)
    same_day = index.update(DAY0 + 3600 * S, inputs(A=(0.01, 120.0, 1.0), B=(None, None, None)))
    assert same_day.rebalances == 1
    joined = index.update(DAY0 + 3601 * S, inputs(A=(0.01, 120.0, 1.0), B=(0.0, 10.0, 1.0)))
    assert joined.rebalances == 2 and joined.included == 2  # B joins at once
    next_day = int(pd.Timestamp("2026-12-02 08:30Z").value)
    before = index.update(next_day - S, inputs(A=(0.01, 120.0, 1.0), B=(0.0, 10.0, 1.0)))
    assert before.rebalances == 2
    after = index.update(next_day, inputs(A=(0.01, 120.0, 3.0), B=(0.0, 10.0, 1.0)))
    assert after.rebalances == 3 and after.rebalanced_at == next_day
    assert {c.pair: c.target_weight for c in after.constituents} == pytest.approx(
        {"A": 0.75, "B": 0.25}
    )


def test_the_last_scheduled_rebalance_is_anchored_in_utc() -> None:
    anchor = 8 * 3600 + 1800
    just_before = int(pd.Timestamp("2026-12-01 08:29:59Z").value)
    assert last_scheduled(just_before, anchor, 86_400) == int(
        pd.Timestamp("2026-11-30 08:30Z").value
    )
    on_time = int(pd.Timestamp("2026-12-01 08:30Z").value)
    assert last_scheduled(on_time, anchor, 86_400) == on_time
    assert last_scheduled(on_time + 301 * S, anchor, 300) == on_time + 300 * S


def test_no_priced_constituent_gives_no_value() -> None:
    view = PremiumIndex(IndexSettings()).update(DAY0, inputs(A=(None, 100.0, 1.0)))
    assert view.value is None and view.premium is None and view.included == 0


def test_turnover_weights_from_a_partial_window_are_redone_when_it_has_filled() -> None:
    index = PremiumIndex(IndexSettings(turnover_window_seconds=300))
    first = index.update(DAY0, inputs(A=(0.0, 10.0, 1.0), B=(0.0, 10.0, 0.0)))
    assert first.rebalances == 1
    assert {c.pair: c.target_weight for c in first.constituents} == {"A": 1.0, "B": 0.0}
    assert (
        index.update(DAY0 + 299 * S, inputs(A=(0.0, 10.0, 1.0), B=(0.0, 10.0, 3.0))).rebalances == 1
    )
    filled = index.update(DAY0 + 300 * S, inputs(A=(0.0, 10.0, 1.0), B=(0.0, 10.0, 3.0)))
    assert filled.rebalances == 2
    assert {c.pair: c.target_weight for c in filled.constituents} == {"A": 0.25, "B": 0.75}
    assert (
        index.update(DAY0 + 900 * S, inputs(A=(0.0, 10.0, 1.0), B=(0.0, 10.0, 3.0))).rebalances == 2
    )
