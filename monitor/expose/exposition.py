"""The text of ``/metrics``: prometheus_client's output, made fast for the large gauges.

At 200 pairs the snapshot families hold ~28,000 samples; prometheus_client builds a
``Sample`` (a dict of labels) per sample and escapes every name and label again at each
scrape (7 µs a sample in the text format, 10 µs in OpenMetrics). A
:class:`~monitor.scrape.RowGauge` keeps its samples as ``(label values, value)`` rows, and
:class:`Writer` writes each row from a cached line prefix (the name and escaped labels, the
same in both formats) and the value as prometheus_client formats it (``floatToGoString``),
or reuses the series' last line when its value has not changed.
Headers, every other family and the escaping schemes that rewrite names are left to
prometheus_client itself; the output is byte for byte what it produces
(``tests/unit/expose/test_exposition.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import orjson
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from monitor.scrape import RowGauge

Encoder = Callable[[Collector], bytes]
OPENMETRICS_EOF = "# EOF\n"
FAST_ESCAPINGS = ("underscores", "allow-utf-8")
"""Escaping schemes under which such names are written unchanged (others rewrite them)."""
MAX_FAMILIES = 10_000
"""Families with cached lines before the cache starts again."""
ROWS_PER_PART = 500
"""Samples written between two chances to yield to the event loop (~0.3 ms)."""

NAN = float("nan")
go_float: Callable[[float], str] = floatToGoString
"""prometheus_client's value formatting (untyped there)."""


class _Series:
    """A family's series as last written: a slot per label values, and per slot the line
    prefix, the last value and the last line. Kept in flat lists of strings and floats,
    which the garbage collector does not track: rewriting a line leaves no young object
    behind (a tuple per changed line made young collections of ~10 ms)."""

    __slots__ = ("lines", "prefixes", "slots", "values")

    def __init__(self) -> None:
        self.slots: dict[tuple[str, ...], int] = {}
        self.prefixes: list[str] = []
        self.values: list[float] = []
        self.lines: list[str] = []

    def add(self, labels: tuple[str, ...], prefix: str) -> int:
        self.slots[labels] = slot = len(self.prefixes)
        self.prefixes.append(prefix)
        self.values.append(NAN)
        self.lines.append("")
        return slot


_lines_of: dict[str, _Series] = {}
"""Family name -> its series as last written."""
_headers: dict[tuple[bool, str, str, str], str] = {}


class Writer:
    """Writes families one at a time as ``encoder`` (from ``choose_encoder``) writes them,
    without the OpenMetrics ``# EOF`` line."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.openmetrics, escaping = text_format(encoder)
        self.fast = escaping in FAST_ESCAPINGS

    def parts(self, family: Metric) -> Iterator[str]:
        """The family's text in parts of at most ``ROWS_PER_PART`` samples (a caller on the
        event loop may yield between them)."""
        if self.fast and isinstance(family, RowGauge) and family.plain:
            yield _header(self.encoder, self.openmetrics, family)
            rows = family.rows
            for start in range(0, len(rows), ROWS_PER_PART):
                yield "".join(_lines(family, rows[start : start + ROWS_PER_PART]))
        else:
            yield _library(self.encoder, family)


def text_format(encoder: Encoder) -> tuple[bool, str]:
    """Whether ``encoder`` writes OpenMetrics, and its escaping scheme."""
    func, keywords = encoder, {}
    if isinstance(encoder, partial):
        func, keywords = encoder.func, encoder.keywords
    openmetrics = func.__module__.startswith("prometheus_client.openmetrics")
    return openmetrics, str(keywords.get("escaping", "underscores"))


def _lines(family: RowGauge, rows: list[tuple[tuple[str, ...], float]]) -> list[str]:
    """Each row's line; a series whose value has not changed since the last scrape reuses
    its line (info gauges, flags, closes, quiet windows: most of them), and the values that
    changed are formatted together (:func:`_values_text`)."""
    if len(_lines_of) > MAX_FAMILIES:
        _lines_of.clear()
    kept = _lines_of.get(family.name)
    if kept is None or len(kept.slots) > 2 * len(family.rows) + 1000:  # label sets went
        kept = _lines_of[family.name] = _Series()
    slots, last, lines = kept.slots, kept.values, kept.lines
    out: list[str] = []
    todo: list[int] = []  # the slots of the lines to write anew
    where: list[int] = []  # and their places in ``out``
    for labels, value in rows:
        slot = slots.get(labels)
        if slot is None:
            slot = kept.add(labels, _prefix(family, labels))
        elif last[slot] == value and value != 0.0:  # 0.0 == -0.0
            out.append(lines[slot])
            continue
        last[slot] = value
        todo.append(slot)
        where.append(len(out))
        out.append("")
    prefixes = kept.prefixes
    texts = _values_text([last[slot] for slot in todo])
    for slot, place, text in zip(todo, where, texts, strict=True):
        out[place] = lines[slot] = f"{prefixes[slot]}{text}\n"
    return out


def _values_text(values: list[float]) -> list[str]:
    """``floatToGoString`` of each value. That is ``repr()`` below a million, except for
    infinities and NaN; orjson writes the same shortest round-trip digits as ``repr()``
    for 0 and 1e-4 <= |x| < 1e6 (no exponent there), in one call for all of them, several
    times faster. Every other value goes through prometheus_client's function."""
    texts = orjson.dumps(values).decode()[1:-1].split(",") if values else []
    for i, value in enumerate(values):
        if not 1e-4 <= abs(value) < 1e6 and value != 0.0:
            texts[i] = go_float(value)
    return texts


def _prefix(family: RowGauge, values: tuple[str, ...]) -> str:
    """``name{label="value",...} `` with the labels in name order and values escaped."""
    if not values:
        return f"{family.name} "
    names = family._labelnames
    labels = ",".join(f'{names[i]}="{_escape(values[i])}"' for i in family.order)
    return f"{family.name}{{{labels}}} "


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _header(encoder: Encoder, openmetrics: bool, family: RowGauge) -> str:
    """The family's HELP and TYPE lines, as prometheus_client writes them (cached)."""
    key = (openmetrics, family.name, family.documentation, family.unit)
    header = _headers.get(key)
    if header is None:
        empty = GaugeMetricFamily(family.name, family.documentation, labels=family._labelnames)
        header = _headers[key] = _library(encoder, empty)
    return header


def _library(encoder: Encoder, family: Metric) -> str:
    text = encoder(_One(family)).decode("utf-8")
    return text.removesuffix(OPENMETRICS_EOF)


class _One(Collector):
    def __init__(self, family: Metric) -> None:
        self.family = family

    def collect(self) -> Iterator[Metric]:
        yield self.family


__all__ = ["OPENMETRICS_EOF", "Encoder", "Writer", "text_format"]
