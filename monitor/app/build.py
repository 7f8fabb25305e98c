"""The composition root's builders: settings -> pairs, feeds, clock; checks across sections.

This is the one room that knows every other: it loads the settings (:func:`load`) and
checks what no single section can (pairs resolve against the catalogue, feed options
are valid for their provider, rules name configured pairs, a replay feed runs alone).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from monitor.app.alerting import check_rule_pairs
from monitor.core.analytics import AnalyticsSettings
from monitor.core.catalogue import catalogue
from monitor.core.fee_table import FeeTable, default_fee_table
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair, RatioRecord, Staleness
from monitor.core.premium_index import IndexSettings
from monitor.core.sessions import SessionCalendar
from monitor.core.shard import assigned
from monitor.errors import ConfigError, MissingExtraError
from monitor.feeds.base import (
    Clock,
    EventSink,
    Feed,
    FeedContext,
    FeedHealth,
    FeedSpec,
    SourceDown,
    ignore_source_down,
)
from monitor.feeds.registry import feed_type
from monitor.feeds.sizes import size_checked
from monitor.recorder.clock import ReplayClock
from monitor.settings.root import (
    AnalyticsConfig,
    FeedConfig,
    PairConfig,
    RawEdit,
    Settings,
    config_origin,
    format_validation_error,
    load_settings,
)


def load(path: str | Path | None = None, edit: RawEdit | None = None) -> Settings:
    """Load the settings (see :func:`~monitor.settings.root.load_settings`) and check them
    across sections; raise :class:`ConfigError` naming the key and the reason."""
    settings = load_settings(path, edit)
    validate_settings(settings, config_origin(path))
    return settings


def build_pairs(settings: Settings, today: date | None = None) -> list[Pair]:
    """Resolve every configured pair against the catalogue; raise ConfigError if incomplete.

    Each pair carries its dated ratios and its dated fee table (the built-in table, then
    ``fees:``, then ``pairs.<name>.fees:``); ``ads_ratio`` and ``fees`` are those in force
    on ``today`` (UTC; the premium itself uses the day of each snapshot).
    """
    today = today or datetime.now(UTC).date()
    table = default_fee_table().with_overrides(
        settings.fees.set_fields(), "config fees", settings.fees.as_of
    )
    return [_build_pair(name, cfg, settings, table, today) for name, cfg in settings.pairs.items()]


def shard_pairs(settings: Settings, pairs: list[Pair]) -> list[Pair]:
    """The pairs this daemon serves: all of them, or its shard's (``shard: {index, count}``)."""
    shard = settings.shard
    if not shard.enabled:
        return pairs
    names = set(assigned([p.name for p in pairs], shard.index, shard.count))
    return [p for p in pairs if p.name in names]


SAME_SHARE_FEES = {"ads_issue_fee_usd": 0.0, "ads_cancel_fee_usd": 0.0}
"""A US line that is the same share as the HK line (YUMC) has no depositary."""


def _build_pair(
    name: str, cfg: PairConfig, settings: Settings, table: FeeTable, today: date
) -> Pair:
    listed = catalogue().get(name)
    us = cfg.us or (listed.us if listed else None)
    hk = cfg.hk or (listed.hk if listed else None)
    listed_here = listed is not None and listed.us == us and listed.hk == hk
    if cfg.ratios and cfg.ads_ratio is not None:
        raise ConfigError(f"pairs.{name}: give ads_ratio or ratios, not both")
    if cfg.ratios:
        ratios: tuple[RatioRecord, ...] = tuple(
            sorted(
                (
                    RatioRecord(
                        r.ratio, r.effective_from, r.source or f"config pairs.{name}.ratios", "C"
                    )
                    for r in cfg.ratios
                ),
                key=lambda r: r.effective_from or date.min,
            )
        )
    elif cfg.ads_ratio is not None:
        ratios = (
            RatioRecord(cfg.ads_ratio, cfg.ratio_as_of, f"config pairs.{name}.ads_ratio", "C"),
        )
    elif listed is not None and listed_here:
        if listed.ratio_unconfirmed:
            raise ConfigError(
                f"pairs.{name}: the catalogue ratio ({listed.ratio:g} HK shares per US share)"
                " is unconfirmed; give ads_ratio explicitly once you have checked it"
            )
        ratios = listed.ratios()
    else:
        ratios = ()
    if us is None or hk is None or not ratios:
        raise ConfigError(f"pairs.{name}: not in the built-in catalogue; give us, hk and ads_ratio")
    us_venue = cfg.us_venue or (listed.us_venue if listed and listed.us == us else "XNAS")
    fx = cfg.fx.upper().replace("/", "")
    stale = cfg.staleness or settings.staleness
    if listed is not None and listed_here and listed.same_share:
        table = table.with_overrides(
            {k: v for k, v in SAME_SHARE_FEES.items() if k not in table.overrides},
            "catalogue: same share on both venues, no ADS (register transfer costs not modelled)",
        )
    table = table.with_overrides(cfg.fees.set_fields(), f"config pairs.{name}.fees", cfg.fees.as_of)
    pair = Pair(
        name=name,
        us=Instrument(us, us_venue, "USD"),
        hk=Instrument(
            hk,
            "XHKG",
            "HKD",
            lot_size=cfg.hk_lot_size or (listed.hk_lot if listed and listed_here else 100),
            hkex_tick_grid=True,
        ),
        fx=Instrument(fx, "FX", fx[3:], price_band=USD_HKD_BAND if fx == "USDHKD" else None),
        ads_ratio=ratios[-1].ratio,
        ratio_as_of=ratios[-1].effective_from,
        fees=table.on(today),
        edge_notional_usd=cfg.edge_notional_usd,
        staleness=Staleness(stale.us_seconds, stale.hk_seconds, stale.fx_seconds),
        ratios=ratios,
        fee_table=table,
        ratio_unconfirmed=bool(listed and listed_here and listed.ratio_unconfirmed),
    )
    current = pair.ratio_on(today)
    return pair._replace(ads_ratio=current.ratio, ratio_as_of=current.effective_from)


def instruments_of(pairs: list[Pair]) -> dict[str, Instrument]:
    return {leg.symbol: leg for pair in pairs for leg in pair.legs()}


def feed_options(name: str, cfg: FeedConfig) -> BaseModel:
    """Validate a feed's provider options with the provider's own model."""
    try:
        entry = feed_type(cfg.type)
    except ConfigError as exc:
        raise ConfigError(f"feeds.{name}.type: {exc}") from None
    missing = entry.missing_modules()
    if missing and cfg.enabled and entry.extra:
        hint = MissingExtraError(f"feed type {cfg.type!r}", entry.extra)
        raise ConfigError(f"feeds.{name}: {hint} ({', '.join(missing)} not installed)")
    try:
        options: BaseModel = entry.options.model_validate(cfg.options_data())
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, f"feeds.{name}", ("feeds", name))) from None
    return options


def validate_settings(settings: Settings, origin: str) -> None:
    """Checks across sections: pairs resolve, feed types exist, feed options are valid."""
    try:
        pairs = build_pairs(settings)
        known = instruments_of(pairs)
        check_rule_pairs(settings)
        check_index_pairs(settings)
        check_replay_alone(settings)
        for name, cfg in settings.feeds.items():
            feed_options(name, cfg)
            unknown = [i for i in cfg.instruments if i not in known]
            if unknown:
                raise ConfigError(
                    f"feeds.{name}.instruments: {', '.join(unknown)} is not a leg of any pair"
                    f" (legs: {', '.join(sorted(known))})"
                )
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def unserved_instruments(settings: Settings) -> dict[str, list[str]]:
    """``{pair: [legs no enabled feed serves]}`` for the pairs that have such legs.

    A feed without ``instruments`` is offered every leg, so it counts as serving them all.
    """
    served: set[str] = set()
    everything = False
    for cfg in settings.feeds.values():
        if cfg.enabled:
            served.update(cfg.instruments)
            everything = everything or not cfg.instruments
    if everything:
        return {}
    missing = {
        pair.name: [leg.symbol for leg in pair.legs() if leg.symbol not in served]
        for pair in build_pairs(settings)
    }
    return {name: legs for name, legs in missing.items() if legs}


def check_served(settings: Settings, origin: str) -> None:
    """ConfigError when some leg of a configured pair has no enabled feed serving it."""
    missing = unserved_instruments(settings)
    if missing:
        where = "; ".join(f"pairs.{name}: {', '.join(legs)}" for name, legs in missing.items())
        feeds = ", ".join(
            f"{name} serves {', '.join(cfg.instruments)}"
            for name, cfg in settings.feeds.items()
            if cfg.enabled
        )
        raise ConfigError(
            f"{origin}: {where}: no enabled feed serves this instrument ({feeds}); add it"
            " to the instruments of a feed that can serve it"
        )


def check_index_pairs(settings: Settings) -> None:
    """The index names configured pairs and a known turnover window."""
    index = settings.index
    for key, names in (("pairs", index.pairs), ("market_caps", list(index.market_caps))):
        unknown = [n for n in names if n not in settings.pairs]
        if unknown:
            raise ConfigError(f"index.{key}: {', '.join(unknown)} is not a configured pair")
    if index.weighting == "turnover" and index.turnover_window not in settings.liquidity.windows:
        raise ConfigError(
            f"index.turnover_window: {index.turnover_window!r} is not a liquidity window"
            f" ({', '.join(settings.liquidity.windows)})"
        )
    if index.weighting == "market_cap":
        missing = [n for n in index.pairs or settings.pairs if n not in index.market_caps]
        if missing:
            raise ConfigError(f"index.market_caps: no cap for {', '.join(missing)}")


def build_feeds(
    settings: Settings,
    pairs: list[Pair],
    sink: EventSink,
    clock: Clock,
    sessions: SessionCalendar,
    source_down: SourceDown = ignore_source_down,
) -> list[Feed]:
    """Create (but do not start) every enabled feed."""
    all_instruments = sorted(instruments_of(pairs))
    served = set(all_instruments)
    feeds: list[Feed] = []
    for name, cfg in settings.feeds.items():
        # a shard serves only its pairs' legs, even of a feed that lists more
        instruments = [i for i in cfg.instruments if i in served] or all_instruments
        if not cfg.enabled or (cfg.instruments and not served.intersection(cfg.instruments)):
            continue
        spec = FeedSpec(
            name=name,
            type=cfg.type,
            priority=cfg.priority,
            instruments=instruments,
            symbols=dict(cfg.symbols),
            silence_timeout_seconds=cfg.silence_timeout_seconds,
        )
        health = FeedHealth(name)
        context = FeedContext(
            sink=size_checked(sink, cfg.max_size, health),
            clock=clock,
            sessions=sessions,
            health=health,
            pairs=tuple(pairs),
            source_down=source_down,
        )
        feeds.append(feed_type(cfg.type).factory(spec, feed_options(name, cfg), context))
    return feeds


def check_replay_alone(settings: Settings) -> list[str]:
    """Names of the enabled replay feeds; ConfigError if one runs beside other feeds."""
    enabled = [name for name, cfg in settings.feeds.items() if cfg.enabled]
    replays = [name for name in enabled if settings.feeds[name].type == "replay"]
    if replays and len(enabled) > 1:
        raise ConfigError(
            f"feeds.{replays[0]}: a replay feed runs on recorded time and must be the only"
            f" enabled feed (enabled: {', '.join(enabled)})"
        )
    return replays


def daemon_clock(settings: Settings, default: Clock) -> Clock:
    """A :class:`ReplayClock` when a replay feed is enabled (recorded time), else ``default``."""
    replays = check_replay_alone(settings)
    if not replays:
        return default
    from monitor.feeds.replay import ReplayOptions  # only with a replay feed configured

    options = feed_options(replays[0], settings.feeds[replays[0]])
    assert isinstance(options, ReplayOptions)
    return ReplayClock(options.speed)


def analytics_settings(config: AnalyticsConfig) -> AnalyticsSettings | None:
    """The core's analytics settings, or None when analytics are disabled."""
    if not config.enabled:
        return None
    # plain attributes, not model_dump: every field is a scalar, and a dump would build
    # the section's own serializer (its schema lives inside the Settings schema)
    scalars = {
        name: getattr(config, name)
        for name in AnalyticsConfig.model_fields
        if name not in ("enabled", "windows")
    }
    return AnalyticsSettings.from_mapping(config.windows, **scalars)


def index_settings(settings: Settings) -> IndexSettings | None:
    """The core's premium index settings, or None when the index is off."""
    config = settings.index
    if not config.enabled:
        return None
    at = config.rebalance_at
    return IndexSettings(
        name=config.name,
        weighting=config.weighting,
        turnover_window=config.turnover_window,
        turnover_window_seconds=settings.liquidity.windows.get(config.turnover_window, 0),
        market_caps=dict(config.market_caps),
        pairs=tuple(config.pairs),
        anchor_seconds=at.hour * 3600 + at.minute * 60 + at.second,
        interval_seconds=config.rebalance_interval_seconds,
        max_weight=config.max_weight,
        base_value=config.base_value,
    )


def feed_priorities(settings: Settings) -> dict[str, int]:
    return {name: cfg.priority for name, cfg in settings.feeds.items()}


def redacted(settings: Settings) -> dict[str, Any]:
    """The resolved configuration as plain data with every secret shown as ``**********``."""
    data: dict[str, Any] = settings.model_dump(mode="json")
    data.pop("fees", None)  # folded into each pair's effective fee schedule below
    data["pairs"] = {
        pair.name: {
            "us": pair.us.symbol,
            "us_venue": pair.us.venue,
            "hk": pair.hk.symbol,
            "fx": pair.fx.symbol,
            "ads_ratio": pair.ads_ratio,
            "ratio_as_of": pair.ratio_as_of.isoformat() if pair.ratio_as_of else None,
            "hk_lot_size": pair.hk.lot_size,
            "edge_notional_usd": pair.edge_notional_usd,
            "staleness": pair.staleness._asdict(),
            "fees": {
                k: (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in dataclasses.asdict(pair.fees).items()
            },
            "ratio_history": [ratio_row(r) for r in pair.ratios],
            "ratio_unconfirmed": pair.ratio_unconfirmed,
            "cost_table": cost_table(pair, pair.fees.as_of),
        }
        for pair in build_pairs(settings)
    }
    if settings.shard.enabled:  # which pairs this daemon serves
        data["shard"]["pairs"] = [p.name for p in shard_pairs(settings, build_pairs(settings))]
    for name, cfg in settings.feeds.items():
        # Provider options are validated by their own model, which masks its SecretStr fields.
        options = feed_options(name, cfg).model_dump(mode="json")
        data["feeds"][name] = {
            **cfg.model_dump(mode="json", exclude=set(cfg.options_data())),
            **options,
        }
    return data


def ratio_row(record: RatioRecord) -> dict[str, Any]:
    return {
        "ratio": record.ratio,
        "effective_from": record.effective_from.isoformat() if record.effective_from else None,
        "source": record.source or None,
        "grade": record.grade or None,
    }


def cost_table(pair: Pair, day: date) -> dict[str, dict[str, Any]]:
    """Every cost of ``pair`` in force on ``day``: value, dates, source and grade."""
    if pair.fee_table is None:
        return {}
    rows: dict[str, dict[str, Any]] = {}
    defaults = dataclasses.asdict(pair.fees)
    for name, record in pair.fee_table.in_force(day).items():
        if record is None:
            value = "off" if defaults[name] is None else defaults[name]
            rows[name] = {"value": value, "source": "built-in default (no cost)"}
            continue
        rows[name] = {
            "value": record.value if record.value is not None else "off",
            "effective_from": None if record.grade == "C" else record.effective_from.isoformat(),
            "effective_to": record.effective_to.isoformat() if record.effective_to else None,
            "source": record.source,
            "grade": record.grade,
        }
    return rows
