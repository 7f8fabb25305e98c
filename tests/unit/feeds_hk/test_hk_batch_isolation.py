"""SDK feeds' batches (Futu ticker and quote rows, IB ticks): junk loses only itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ib_async import Contract, TickData, Ticker

from monitor.feeds.futu.parse import FutuParser
from monitor.feeds.ibkr.parse import LegParser
from monitor.feeds.wire import Parsed
from tests.support.junk import NOT_A_NUMBER, any_json, lots, prices

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOT_A_FUTU_TIME = (None, True, 5, "", "2026-03-09", "9" * 5000, "2026-13-45 99:99:99")

futu_row = st.fixed_dictionaries(
    {
        "code": st.just("US.PONY"),
        "price": prices.filter(lambda p: p > 0),
        "volume": lots,
        "type": st.just("AUTO_MATCH"),
        "time": st.integers(0, 3599).map(lambda s: f"2026-03-09 10:{s // 60:02d}:{s % 60:02d}"),
    }
)


@st.composite
def futu_rows(draw: st.DrawFn) -> list[tuple[bool, Any]]:
    items: list[tuple[bool, Any]] = []
    for _ in range(draw(st.integers(1, 10))):
        if draw(st.booleans()):
            items.append((True, draw(futu_row)))
        elif draw(st.booleans()):
            row = dict(draw(futu_row))
            field = draw(st.sampled_from(["price", "volume", "time"]))
            bad = NOT_A_FUTU_TIME if field == "time" else NOT_A_NUMBER
            row[field] = draw(st.sampled_from(bad))
            items.append((False, row))
        else:
            junk = draw(any_json)
            items.append((False, junk if isinstance(junk, dict) else {"code": junk}))
    return items


@PROPERTY
@given(futu_rows())
def test_futu_ticker_rows_deliver_exactly_the_valid_ones(items: list[tuple[bool, Any]]) -> None:
    valid = [row for ok, row in items if ok]
    expected = FutuParser({"US.PONY": "PONY"}).tickers(valid, 1)
    report = Parsed()
    trades = FutuParser({"US.PONY": "PONY"}).tickers([row for _, row in items], 1, report)
    assert trades == expected and len(expected) == len(valid)
    assert len(report.errors) + len(report.unknown_symbols) == len(items) - len(valid)


def test_futu_quote_rows_and_unknown_codes() -> None:
    parser = FutuParser({"US.PONY": "PONY"}, trades_from_quotes=True)
    good = {"code": "US.PONY", "last_price": 15.0, "data_date": "2026-03-09",
            "data_time": "10:00:00"}  # fmt: skip
    report = Parsed()
    rows = [{**good, "last_price": "x"}, {**good, "code": "US.ZZZ"}, good, {**good, "data_date": 5}]
    trades = parser.quotes(rows, 1, report)
    assert [t.price for t in trades] == [15.0]
    assert report.unknown_symbols == ["US.ZZZ"] and len(report.errors) == 2


T = datetime(2026, 2, 11, 8, 9, 30, tzinfo=UTC)
bad_tick_value = st.sampled_from(["x", [1.0], {"p": 1}, b"1"])  # None: IB says "no price"


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just(True), prices.filter(lambda p: p > 0), lots),
            st.tuples(st.just(False), bad_tick_value, lots),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_ib_ticks_deliver_every_valid_trade_and_the_quote(
    ticks: list[tuple[bool, Any, int]],
) -> None:
    ticker = Ticker(contract=Contract(symbol="PONY"))
    ticker.time, ticker.bid, ticker.ask, ticker.bidSize, ticker.askSize = T, 18.4, 18.5, 1.0, 2.0
    ticker.ticks = [TickData(T, 4, price, float(size)) for _, price, size in ticks]
    errors: list[str] = []
    events = LegParser("PONY", is_fx=False, source="ib").on_ticker(ticker, 1, errors)
    valid = [price for ok, price, _ in ticks if ok]
    assert [e.price for e in events[:-1]] == valid  # type: ignore[union-attr]
    assert events[-1].bid == 18.4  # type: ignore[union-attr]  # the quote survives
    assert len(errors) == len(ticks) - len(valid)
