"""Quote sizes in true shares per provider and date, and the depth in USD they give.

Payloads (tests/fixtures/{polygon,alpaca}/*_2025-10-31_round_lots.json, *_2025-11-03_shares.json)
are in each provider's documented shape: a US$15 stock (PONY) and a US$300 one (ZVZZT)
quoted on the last trading day of round-lot sizes and on the first day of share sizes,
with the same books: PONY 1,200 x 800 shares, ZVZZT 300 x 200 shares before (3 x 2 lots
of 100) and 120 x 80 shares after (3 x 2 round lots of 40, the US$250-1,000 tier).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from monitor.core.engine import Engine
from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.expose.api import pair_json
from monitor.feeds.alpaca.parse import AlpacaParser
from monitor.feeds.polygon.config import PolygonOptions
from monitor.feeds.polygon.parse import PolygonParser
from monitor.feeds.units import US_SHARES_SINCE_NS, QuoteSizes, us_round_lot
from monitor.feeds.wire import Parsed
from tests.support.builders import DEFAULT_STALENESS
from tests.support.frames import frame

S = 1_000_000_000
SYMBOLS = {"PONY": "PONY", "ZVZZT": "ZVZZT"}
PRE, POST = "2025-10-31_round_lots", "2025-11-03_shares"
FILES = {
    ("polygon", PRE): "ws_stocks_quotes_2025-10-31_round_lots.json",
    ("polygon", POST): "ws_stocks_quotes_2025-11-03_shares.json",
    ("alpaca", PRE): "ws_quotes_2025-10-31_round_lots.json",
    ("alpaca", POST): "ws_quotes_2025-11-03_shares.json",
}
SHARES = {  # (bid size, ask size) in shares: what the books really held
    (PRE, "PONY"): (1200.0, 800.0),
    (POST, "PONY"): (1200.0, 800.0),
    (PRE, "ZVZZT"): (300.0, 200.0),
    (POST, "ZVZZT"): (120.0, 80.0),
}
DEPTH_USD = {  # hand-checked: price x shares
    (PRE, "PONY"): (15.01 * 1200, 15.03 * 800),  # 18,012 / 12,024
    (POST, "PONY"): (15.01 * 1200, 15.03 * 800),
    (PRE, "ZVZZT"): (300.10 * 300, 300.20 * 200),  # 90,030 / 60,040
    (POST, "ZVZZT"): (300.10 * 120, 300.20 * 80),  # 36,012 / 24,016
}


def parse(provider: str, day: str) -> Parsed:
    parser = PolygonParser(SYMBOLS) if provider == "polygon" else AlpacaParser(SYMBOLS)
    return parser(frame(provider, FILES[(provider, day)]), 0)


def ns(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) * S


@pytest.mark.parametrize(
    ("price", "when", "lot"),
    [
        (15.0, "2025-11-02T23:59:59", 100),
        (300.0, "2025-11-02T23:59:59", 100),  # before the change every lot was 100
        (15.0, "2025-11-03T05:00:00", 100),
        (250.0, "2025-11-03T05:00:00", 100),
        (250.01, "2025-11-03T05:00:00", 40),
        (300.0, "2025-11-03T05:00:00", 40),
        (1000.0, "2026-06-01T00:00:00", 40),
        (1000.01, "2026-06-01T00:00:00", 10),
        (10_000.0, "2026-06-01T00:00:00", 10),
        (10_000.01, "2026-06-01T00:00:00", 1),
    ],
)
def test_us_round_lot_by_date_and_price_tier(price: float, when: str, lot: int) -> None:
    assert us_round_lot(price, ns(when)) == lot


def test_the_change_is_at_midnight_new_york_on_2025_11_03() -> None:
    assert US_SHARES_SINCE_NS == ns("2025-11-03T05:00:00")  # EST, the day after DST ended
    auto = QuoteSizes()
    assert auto(15.0, US_SHARES_SINCE_NS - 1) == 100.0
    assert auto(15.0, US_SHARES_SINCE_NS) == 1.0
    assert QuoteSizes("round_lots")(300.0, US_SHARES_SINCE_NS) == 40.0
    assert QuoteSizes("shares")(300.0, 0) == 1.0
    assert QuoteSizes("auto", fixed=100.0)(15.0, US_SHARES_SINCE_NS) == 100.0


@pytest.mark.parametrize("provider", ["polygon", "alpaca"])
@pytest.mark.parametrize("day", [PRE, POST])
def test_recorded_quote_sizes_come_out_in_shares(provider: str, day: str) -> None:
    parsed = parse(provider, day)
    assert not parsed.errors
    quotes = {e.instrument: e for e in parsed.events if isinstance(e, Quote)}
    for symbol in SYMBOLS:
        assert (quotes[symbol].bid_size, quotes[symbol].ask_size) == SHARES[(day, symbol)]
    (trade,) = [e for e in parsed.events if isinstance(e, Trade)]
    assert trade.size == 37.0  # trade sizes were always shares (an odd lot here)


def test_a_fixed_multiplier_or_unit_in_the_config_overrides_the_dated_default() -> None:
    options = PolygonOptions.model_validate({"api_key": "k", "quote_size_unit": "round_lots"})
    parsed = PolygonParser(SYMBOLS, options.quote_sizes())(
        frame("polygon", FILES[("polygon", POST)]), 0
    )
    zvzzt = next(e for e in parsed.events if isinstance(e, Quote) and e.instrument == "ZVZZT")
    assert zvzzt.bid_size == 120.0 * 40  # read as round lots of the US$300 tier
    legacy = PolygonOptions.model_validate({"api_key": "k", "quote_size_multiplier": 100})
    assert legacy.quote_sizes()(15.0, US_SHARES_SINCE_NS) == 100.0


def us_pair(symbol: str) -> Pair:
    return Pair(
        name=symbol,
        us=Instrument(symbol, "XNAS", "USD"),
        hk=Instrument(f"{symbol}.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        fx=Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        ads_ratio=1.0,
        staleness=DEFAULT_STALENESS,
    )


def depth_on_api(events: list[Event], symbol: str) -> tuple[float, float]:
    """The pair's JSON on /api/v1/pairs: top-of-book depth in USD of the US leg."""
    engine = Engine([us_pair(symbol)], SessionCalendar("always_open"))
    quote = next(e for e in events if isinstance(e, Quote) and e.instrument == symbol)
    t = quote.ts_event
    engine.on_event(Quote(quote.instrument, quote.bid, quote.bid_size, quote.ask,
                          quote.ask_size, t, t, "us"))  # fmt: skip
    engine.on_event(Quote(f"{symbol}.HK", 118.4, 1000, 118.5, 1000, t, t, "hk"))
    engine.on_event(FxQuote("USDHKD", 7.8231, 7.8236, t, t, "fx"))
    body = pair_json(engine.snapshot(t + S).pairs[0])
    depth = body["liquidity"][symbol]["top_of_book_depth_usd"]
    return depth["bid"], depth["ask"]


@pytest.mark.parametrize("provider", ["polygon", "alpaca"])
@pytest.mark.parametrize("day", [PRE, POST])
@pytest.mark.parametrize("symbol", ["PONY", "ZVZZT"])
def test_depth_in_usd_on_the_api_for_a_15_and_a_300_dollar_stock(
    provider: str, day: str, symbol: str
) -> None:
    bid, ask = depth_on_api(parse(provider, day).events, symbol)
    expected_bid, expected_ask = DEPTH_USD[(day, symbol)]
    assert bid == pytest.approx(expected_bid, rel=1e-12)
    assert ask == pytest.approx(expected_ask, rel=1e-12)


@pytest.mark.parametrize(
    "sizes",
    [
        QuoteSizes("auto"),
        QuoteSizes("auto", shares_since_ns=None),
        QuoteSizes("shares"),
        QuoteSizes("round_lots"),
        QuoteSizes("auto", fixed=100.0),
        QuoteSizes("round_lots", fixed=1.0),
    ],
)
def test_the_uniform_multiplier_is_what_every_price_gets(sizes: QuoteSizes) -> None:
    """The parsers' fast path uses ``uniform`` from ``uniform_since_ns`` on: it must be the
    multiplier of every price at every such time."""
    times = [US_SHARES_SINCE_NS - 1, US_SHARES_SINCE_NS, US_SHARES_SINCE_NS + 10**18, 0]
    for ts in times:
        if ts >= sizes.uniform_since_ns:
            for price in (0.5, 249.99, 250.0, 250.01, 999.0, 5_000.0, 20_000.0, math.nan):
                assert sizes(price, ts) == sizes.uniform
