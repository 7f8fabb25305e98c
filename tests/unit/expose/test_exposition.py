"""``exposition.Writer`` writes byte for byte what prometheus_client writes, in every format."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from monitor.expose.exposition import OPENMETRICS_EOF, Encoder, Writer
from monitor.expose.metrics.market import MarketCollector
from monitor.scrape import RowGauge
from tests.support.analytics import make_engine, run_to, synthetic_events

ACCEPTS = [
    "",
    "text/plain;version=0.0.4",
    "text/plain;version=1.0.0;escaping=allow-utf-8",
    "text/plain;version=1.0.0;escaping=underscores",
    "text/plain;version=1.0.0;escaping=dots",
    "text/plain;version=1.0.0;escaping=values",
    "application/openmetrics-text",
    "application/openmetrics-text;version=1.0.0",
    "application/openmetrics-text;version=0.0.1",
    "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8",
    "application/openmetrics-text;version=1.0.0;escaping=dots",
    # What Prometheus 2.x/3.x sends.
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
]


class Families(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


def encode(encoder: Encoder, families: list[Metric]) -> bytes:
    """The families as /metrics writes them, part by part."""
    writer = Writer(encoder)
    return b"".join(part.encode() for family in families for part in writer.parts(family))


def library(accept: str, families: list[Metric]) -> bytes:
    encoder, _ = choose_encoder(accept)
    return encoder(Families(families)).removesuffix(OPENMETRICS_EOF.encode())


def awkward_families() -> list[Metric]:
    """Label values and numbers that exercise every escape and every float form."""
    gauge = RowGauge("dlmon_test_ratio", 'A "help" with \\ and\nnewline', ["pair", "leg"])
    values = [0.0, -0.0, 1, 1.5, -2.25, 1e-9, 123456789.0, 1e22, math.inf, -math.inf, math.nan]
    for i, value in enumerate(values):
        gauge.add_metric([f'P"{i}\\', "line\nbreak ü 港"], value)
    no_labels = RowGauge("dlmon_test_plain", "no labels")
    no_labels.add_metric([], 7.0)
    empty = RowGauge("dlmon_test_empty", "no samples", ["pair"])
    unsorted = RowGauge("dlmon_test_unsorted", "labels not in name order", ["zeta", "alpha", "mu"])
    unsorted.add_metric(["z", "a", "m"], 3.0)
    counter = CounterMetricFamily("dlmon_test_events", "a counter", labels=["feed"])
    counter.add_metric(["sim"], 12)
    other = GaugeMetricFamily("dlmon_test_other", "a library gauge", labels=["x"])
    other.add_metric(["y"], 2.0)
    many = RowGauge("dlmon_test_many", "more rows than one part", ["i"])
    for i in range(1234):
        many.add_metric([str(i)], i / 7)
    return [gauge, no_labels, empty, unsorted, counter, other, many]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_awkward_families_match_the_library(accept: str) -> None:
    families = awkward_families()
    encoder, _ = choose_encoder(accept)
    assert encode(encoder, families) == library(accept, families)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_whole_market_snapshot_matches_the_library(accept: str) -> None:
    engine = make_engine()
    rows = synthetic_events(7, 3000)
    now = rows[-1]["ts"] + 10**9
    run_to(engine, rows, 0, now)
    snapshot = engine.snapshot(now)
    families = list(MarketCollector(engine, lambda: snapshot).collect())
    assert sum(isinstance(f, RowGauge) for f in families) > 20
    assert sum(len(f.samples) for f in families) > 100
    encoder, _ = choose_encoder(accept)
    first = encode(encoder, families)
    assert first == library(accept, families)
    assert encode(encoder, families) == first  # from the cached prefixes


def test_rows_read_as_library_samples() -> None:
    gauge = RowGauge("dlmon_test_ratio", "doc", ["pair", "basis"])
    gauge.add_metric(["PONY", "mid"], 0.01)
    reference = GaugeMetricFamily("dlmon_test_ratio", "doc", labels=["pair", "basis"])
    reference.add_metric(["PONY", "mid"], 0.01)
    assert gauge.samples == reference.samples
    assert gauge == reference


def test_a_restricted_scrape_filters_row_gauges() -> None:
    registry = CollectorRegistry(auto_describe=True)
    registry.register(Families(awkward_families()))
    restricted = list(registry.restricted_registry(["dlmon_test_plain"]).collect())
    assert [(f.name, [s.value for s in f.samples]) for f in restricted] == [
        ("dlmon_test_plain", [7.0])
    ]


def test_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timestamp"):
        RowGauge("dlmon_test_ratio", "doc").add_metric([], 1.0, timestamp=1.0)


@pytest.mark.parametrize("accept", ACCEPTS[:2] + ACCEPTS[6:8])
def test_a_series_whose_value_changed_is_written_anew(accept: str) -> None:
    encoder, _ = choose_encoder(accept)
    for values in ([0.0, 1.5, 2.0, math.nan], [-0.0, 1.5, 2.5, math.nan], [0.0, 1.5, 2.5, 3.0]):
        gauge = RowGauge("dlmon_test_changing", "values that move between scrapes", ["i"])
        for i, value in enumerate(values):
            gauge.add_metric([str(i)], value)
        assert encode(encoder, [gauge]) == library(accept, [gauge])


EDGES = [1e-4, math.nextafter(1e-4, 0), 1e6, math.nextafter(1e6, 0), 0.1, 1 / 3, 5e-324]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=True, allow_infinity=True)
        | st.floats(min_value=-1e7, max_value=1e7)
        | st.floats(min_value=-1e-3, max_value=1e-3)
        | st.sampled_from(EDGES + [-x for x in EDGES]),
        min_size=1,
        max_size=60,
    )
)
def test_values_are_written_as_the_library_writes_them(values: list[float]) -> None:
    # The changed values of a part are formatted together (orjson where it writes what
    # repr() writes): every magnitude, sign, edge of that range and special value.
    gauge = RowGauge("dlmon_test_values", "any float", ["i"])
    for i, value in enumerate(values):
        gauge.add_metric([str(i)], value)
    for accept in ("", "application/openmetrics-text;version=1.0.0"):
        assert encode(choose_encoder(accept)[0], [gauge]) == library(accept, [gauge])
