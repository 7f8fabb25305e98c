"""Many pairs: naming pairs is enough, catalogue overrides, the index section, shards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.app.build import build_pairs, index_settings, load, redacted, shard_pairs
from monitor.core.catalogue import catalogue
from monitor.core.shard import assigned, shard_of
from monitor.errors import ConfigError
from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dlmon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


FEEDS = "feeds:\n  sim: {type: simulator}\n"


def test_a_list_of_names_takes_everything_from_the_catalogue(tmp_path: Path) -> None:
    text = "pairs: [PONY, BABA, YUMC, {XIACY: {ads_ratio: 5}}]\n" + FEEDS
    pairs = {p.name: p for p in build_pairs(load(write(tmp_path, text)))}
    assert list(pairs) == ["PONY", "BABA", "YUMC", "XIACY"]
    baba = pairs["BABA"]
    assert (baba.us.symbol, baba.us.venue, baba.hk.symbol, baba.ads_ratio) == (
        "BABA",
        "XNYS",
        "9988.HK",
        8.0,
    )
    assert baba.hk.lot_size == catalogue()["BABA"].hk_lot
    assert pairs["YUMC"].fees.ads_issue_fee_usd == 0.0  # same share: no depositary
    assert pairs["XIACY"].us.venue == "OTC" and pairs["XIACY"].ratios[-1].grade == "C"


def test_an_unconfirmed_catalogue_ratio_still_needs_ads_ratio_in_the_list_form(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match="XIACY.*unconfirmed"):
        load(write(tmp_path, "pairs: [PONY, XIACY]\n" + FEEDS))


def test_any_catalogue_field_can_be_overridden(tmp_path: Path) -> None:
    text = (
        "pairs:\n"
        "  BABA: {ads_ratio: 4, ratio_as_of: 2026-01-02, hk_lot_size: 50, us_venue: XNAS,\n"
        "         edge_notional_usd: 5000}\n" + FEEDS
    )
    (baba,) = build_pairs(load(write(tmp_path, text)))
    assert (baba.ads_ratio, baba.hk.lot_size, baba.us.venue, baba.edge_notional_usd) == (
        4.0,
        50,
        "XNAS",
        5000.0,
    )
    assert baba.ratio_as_of is not None and baba.ratio_as_of.isoformat() == "2026-01-02"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("pairs: [PONY, PONY]\n", "listed twice"),
        ("pairs: {BABA: {ads_ratio: 8, ratios: [{ratio: 8}]}}\n", "ads_ratio or ratios"),
        ("pairs: [PONY, 3]\n", "a name or a mapping"),
        ("pairs: [PONY]\nindex: {enabled: true, pairs: [BABA]}\n", "index.pairs: BABA"),
        ("pairs: [PONY]\nindex: {enabled: true, weighting: market_cap}\n", "needs market_caps"),
        ("pairs: [PONY]\nindex: {enabled: true, turnover_window: 2d}\n", "turnover_window"),
        ("pairs: [PONY]\nshard: {index: 2, count: 2}\n", "index must be below count"),
    ],
)
def test_bad_universe_settings_name_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load(write(tmp_path, text + FEEDS))


def test_index_settings_from_the_config(tmp_path: Path) -> None:
    text = (
        "pairs: [PONY, BABA]\n"
        "index: {enabled: true, weighting: market_cap, market_caps: {PONY: 1, BABA: 3},\n"
        "        rebalance_at: '16:00', rebalance_interval_seconds: 3600, max_weight: 0.8}\n"
        + FEEDS
    )
    index = index_settings(load(write(tmp_path, text)))
    assert index is not None
    assert (index.anchor_seconds, index.interval_seconds, index.max_weight) == (57_600, 3600, 0.8)
    assert index_settings(load(write(tmp_path, "pairs: [PONY]\n" + FEEDS))) is None


NAMES = [f"P{i:03d}" for i in range(400)]


def test_shards_split_every_pair_once_and_evenly() -> None:
    shards = [assigned(NAMES, i, 4) for i in range(4)]
    assert sorted(n for s in shards for n in s) == sorted(NAMES)
    assert all(70 <= len(s) <= 130 for s in shards)  # about 100 each


def test_a_pair_keeps_its_shard_when_pairs_are_added_or_removed() -> None:
    before = {n: shard_of(n, 5) for n in NAMES[:200]}
    after = {n: shard_of(n, 5) for n in NAMES}  # 200 pairs added
    assert all(after[n] == before[n] for n in before)
    assert assigned(NAMES[:100], 2, 5) == [n for n in assigned(NAMES, 2, 5) if n in NAMES[:100]]


def test_one_more_shard_moves_only_the_pairs_it_wins() -> None:
    four = {n: shard_of(n, 4) for n in NAMES}
    five = {n: shard_of(n, 5) for n in NAMES}
    moved = [n for n in NAMES if four[n] != five[n]]
    assert all(five[n] == 4 for n in moved)
    assert 40 <= len(moved) <= 120  # about 1/5 of 400


def test_the_assignment_is_pinned() -> None:
    # rendezvous hashing with BLAKE2b-64 of "name\0shard": a release must not reshuffle
    pinned = {"PONY": 2, "BABA": 0, "JD": 0, "NIO": 1, "XIACY": 0}
    assert {name: shard_of(name, 3) for name in pinned} == pinned
    assert shard_of("PONY", 1) == 0


def test_a_daemon_serves_only_its_shard(tmp_path: Path) -> None:
    names = list(catalogue())
    names.remove("XIACY")
    served: list[str] = []
    for i in range(3):
        text = f"pairs: [{', '.join(names)}]\nshard: {{index: {i}, count: 3}}\n" + FEEDS
        settings = load(write(tmp_path, text))
        mine = [p.name for p in shard_pairs(settings, build_pairs(settings))]
        assert mine == assigned(names, i, 3) and mine
        served += mine
    assert sorted(served) == sorted(names)


def test_pairs_command_prints_dated_ratios_sources_and_grades(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "pairs", "--json")
    assert result.returncode == 0
    rows = {row["pair"]: row for row in json.loads(result.stdout)}
    assert set(rows) == set(catalogue())
    baba = rows["BABA"]
    assert (baba["ads_ratio"], baba["ratio_from"], baba["ratio_grade"]) == (8, "2019-11-26", "V")
    assert baba["ratio_history"][-1]["source"].startswith("HK prospectus 2019")
    assert rows["XIACY"]["ratio_unconfirmed"] is True
    text = run_cli(capsys, "pairs").stdout
    assert "YUMC" in text and "ratio sources:" in text
    assert "BABA: 8 from 2019-11-26 [V] HK prospectus 2019" in text


def test_check_config_names_the_pairs_of_the_shard(tmp_path: Path) -> None:
    text = "pairs: [PONY, BABA, JD, NIO]\nshard: {index: 0, count: 3}\n" + FEEDS
    data = redacted(load(write(tmp_path, text)))
    assert data["shard"] == {"index": 0, "count": 3, "pairs": ["BABA", "JD"]}


def test_the_environment_overrides_a_pair_of_the_list_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_PAIRS__BABA__EDGE_NOTIONAL_USD", "5000")
    settings = load(write(tmp_path, "pairs: [PONY, BABA]\n" + FEEDS))
    assert list(settings.pairs) == ["PONY", "BABA"]
    assert settings.pairs["BABA"].edge_notional_usd == 5000.0
