"""The provider template stays importable, type-correct and working (it is copied)."""

from __future__ import annotations

from monitor.core.events import Quote, Trade
from monitor.feeds._template import FEED_TYPE, TemplateOptions
from monitor.feeds._template.parse import TemplateParser
from monitor.feeds.registry import FEED_PACKAGES


def test_template_parser_turns_frames_into_events() -> None:
    parser = TemplateParser({"PONY.US": "PONY"})
    frame = (
        b'[{"type":"quote","symbol":"PONY.US","bid":18.4,"ask":18.5,"ts":1795208398000},'
        b'{"type":"trade","symbol":"PONY.US","price":18.45,"size":100,"ts":1795208398001},'
        b'{"type":"status","status":"authenticated"},{"type":"quote","symbol":"PONY.US"}]'
    )
    parsed = parser(frame, 5)
    assert parsed.events == [
        Quote("PONY", 18.4, 0.0, 18.5, 0.0, 1_795_208_398_000_000_000, 5),
        Trade("PONY", 18.45, 100.0, 1_795_208_398_001_000_000, 5),
    ]
    assert [c.kind for c in parsed.controls] == ["authenticated"]
    assert len(parsed.errors) == 1


def test_template_is_a_feed_type_but_not_registered() -> None:
    assert FEED_TYPE.options is TemplateOptions
    assert "monitor.feeds._template" not in FEED_PACKAGES.values()
