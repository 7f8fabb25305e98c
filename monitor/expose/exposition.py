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

go_float: Callable[[float], str] = floatToGoString
"""prometheus_client's value formatting (untyped there)."""

_lines_of: dict[str, dict[tuple[str, ...], tuple[str, float, str]]] = {}
"""Family -> label values -> (line prefix, last value, last line)."""
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
    kept = _lines_of.setdefault(family.name, {})
    if len(kept) > 2 * len(family.rows) + 1000:  # label sets that went: start again
        kept.clear()
    out: list[str] = []  # lines, and the prefixes of the lines still to write
    todo: list[tuple[int, tuple[str, ...]]] = []
    todo_values: list[float] = []
    for values, value in rows:
        line = kept.get(values)
        if line is not None and line[1] == value and value != 0.0:  # 0.0 == -0.0
            out.append(line[2])
            continue
        todo.append((len(out), values))
        todo_values.append(value)
        out.append(_prefix(family, values) if line is None else line[0])
    texts = _values_text(todo_values)
    for (index, values), value, text in zip(todo, todo_values, texts, strict=True):
        prefix = out[index]
        out[index] = line_text = f"{prefix}{text}\n"
        kept[values] = (prefix, value, line_text)
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
