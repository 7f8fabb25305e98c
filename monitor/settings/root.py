"""The whole configuration: YAML validated by pydantic, overridable by ``DLMON_<SECTION>__<KEY>``.

Named collections (``pairs``, ``feeds``) are mappings keyed by name so that every key has
an environment variable, e.g. ``DLMON_FEEDS__POLYGON__API_KEY`` or ``DLMON_SERVER__PORT``.
String values in YAML may reference the environment as ``${VAR}``; any secret field
``x`` may instead be given as ``x_file`` (a path whose content is the secret).

:func:`load_settings` only parses and validates each section; the checks across sections
(pairs resolve, feed options are valid, rules name known pairs) belong to the
composition root (:func:`monitor.app.build.load`), which knows every room.
"""

import os
import typing
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from monitor.core.liquidity import DEFAULT_WINDOWS
from monitor.errors import ConfigError
from monitor.settings.alerts import AlertsConfig, RuleConfig, default_rule_data
from monitor.settings.base import Model
from monitor.settings.bus import BusConfig
from monitor.settings.notify import NotifyConfig, SinkConfig
from monitor.settings.recorder import RecorderConfig
from monitor.settings.sources import (
    ENV_PREFIX,
    blamed_variable,
    expand_env,
    load_unique_keys,
    read_text,
    unknown_variables,
)
from monitor.settings.universe import IndexConfig, ShardConfig

BUILT_IN = "<built-in default>"

RawEdit = Callable[[dict[str, Any]], dict[str, Any]]
"""Changes a command makes to the raw YAML mapping before ``${VAR}`` expansion."""


class ServerConfig(Model):
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)
    # How often the shared snapshot (API, /metrics, alert rules) is rebuilt.
    snapshot_interval_seconds: float = Field(default=1.0, ge=0.05, le=60)
    # Bearer token every /api/v1 write needs (silences); without it writes are refused.
    api_token: SecretStr | None = None


class LogConfig(Model):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["auto", "json", "console"] = "auto"


Bound = float | Literal["off"] | None
"""A minimum or maximum: an amount, ``off`` (switched off), or unset (the dated default)."""


class FeeOverrides(Model):
    """Any subset of :class:`monitor.core.fees.FeeSchedule` fields; a value set here
    replaces the dated default on every date (docs/costs.md). ``as_of`` evaluates the
    dated table on that one day for every event (replay history at a stated fee table).
    A minimum or maximum may be ``off`` (YAML ``off``/``false`` too) to switch it off."""

    as_of: date | None = None
    hk_stamp_duty_rate: float | None = Field(default=None, ge=0)
    hk_sfc_levy_rate: float | None = Field(default=None, ge=0)
    hk_afrc_levy_rate: float | None = Field(default=None, ge=0)
    hk_trading_fee_rate: float | None = Field(default=None, ge=0)
    hk_settlement_rate: float | None = Field(default=None, ge=0)
    hk_settlement_min_hkd: Bound = Field(default=None)
    hk_settlement_max_hkd: Bound = Field(default=None)
    hk_commission_rate: float | None = Field(default=None, ge=0)
    hk_commission_min_hkd: Bound = Field(default=None)
    hk_commission_max_hkd: Bound = Field(default=None)
    us_sec_fee_rate: float | None = Field(default=None, ge=0)
    us_finra_taf_per_share: float | None = Field(default=None, ge=0)
    us_finra_taf_max_usd: Bound = Field(default=None)
    us_commission_per_share: float | None = Field(default=None, ge=0)
    us_commission_min_usd: Bound = Field(default=None)
    us_commission_max_usd: Bound = Field(default=None)
    ads_issue_fee_usd: float | None = Field(default=None, ge=0)
    ads_cancel_fee_usd: float | None = Field(default=None, ge=0)
    conversion_stamp_duty_rate: float | None = Field(default=None, ge=0)

    @field_validator(
        "hk_settlement_min_hkd",
        "hk_settlement_max_hkd",
        "hk_commission_min_hkd",
        "hk_commission_max_hkd",
        "us_finra_taf_max_usd",
        "us_commission_min_usd",
        "us_commission_max_usd",
        mode="before",
    )
    @classmethod
    def _bound(cls, value: Any) -> Any:
        if value is False or (isinstance(value, str) and value.strip().lower() in _OFF):
            return "off"
        if value is True:
            raise ValueError("a minimum or maximum is an amount or off")
        if isinstance(value, int | float) and value < 0:
            raise ValueError("must be >= 0 (or off)")
        return value

    def set_fields(self) -> dict[str, Any]:
        """The cost fields set here; a bound switched off is None (``as_of`` excluded)."""
        values = ((k, getattr(self, k)) for k in FeeOverrides.model_fields if k != "as_of")
        return {k: (None if v == "off" else v) for k, v in values if v is not None}


_OFF = frozenset({"off", "false", "none", "no"})


class StalenessConfig(Model):
    """Seconds of silence, while the venue is in session, after which a leg is stale."""

    us_seconds: float = Field(default=60.0, gt=0)
    hk_seconds: float = Field(default=60.0, gt=0)
    fx_seconds: float = Field(default=120.0, gt=0)


class RatioEntry(Model):
    """A dated ratio: HK ordinary shares per US share, in force from ``effective_from``."""

    ratio: float = Field(gt=0)
    effective_from: date | None = None
    source: str = ""


class PairConfig(Model):
    """One HK/US dual listing. Omitted fields come from the built-in catalogue."""

    us: str | None = None
    us_venue: str | None = None  # XNAS, XNYS or OTC (default: the catalogue's, else XNAS)
    hk: str | None = None
    fx: str = "USDHKD"
    ads_ratio: float | None = Field(default=None, gt=0)
    ratio_as_of: date | None = None
    # dated ratios (an announced ratio change before the catalogue has it); not with ads_ratio
    ratios: list[RatioEntry] = Field(default=[])
    hk_lot_size: int | None = Field(default=None, gt=0)
    edge_notional_usd: float = Field(default=100_000.0, gt=0)
    fees: FeeOverrides = FeeOverrides.model_construct()
    staleness: StalenessConfig | None = None


class FeedConfig(BaseModel):
    """Provider-independent feed settings; provider options are the remaining keys."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    type: str
    enabled: bool = True
    priority: int = 0
    instruments: list[str] = Field(default=[])
    symbols: dict[str, str] = Field(default={})
    silence_timeout_seconds: float = Field(default=30.0, gt=0)
    # Shares; a quote or print above it is dropped as implausible (monitor/feeds/sizes.py).
    # 1e10 is above the share count of almost any listed company.
    max_size: float = Field(default=1e10, gt=0)

    @field_validator("type")
    @classmethod
    def _type_in_any_case(cls, value: str) -> str:
        return value.lower()

    def options_data(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class SessionsConfig(Model):
    """``exchange``: real venue calendars; ``always_open``: every venue trades at any hour."""

    mode: Literal["exchange", "always_open"] = "exchange"
    us_extended_hours: bool = True
    max_future_skew_seconds: float = Field(default=5.0, gt=0)


class LiquidityConfig(Model):
    windows: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_WINDOWS))

    @field_validator("windows")
    @classmethod
    def _check_windows(cls, value: dict[str, int]) -> dict[str, int]:
        if not value:
            raise ValueError("at least one window is needed")
        for label, seconds in value.items():
            if not 1 <= seconds <= 86_400:
                raise ValueError(f"window {label!r}: seconds must be within 1..86400")
        return value


class AnalyticsConfig(Model):
    """Premium and liquidity statistics (docs/analytics.md); ``enabled: false`` turns them off."""

    enabled: bool = True
    windows: dict[str, int] = Field(default_factory=lambda: {"5m": 300, "1h": 3600, "1d": 86_400})
    half_life_window_seconds: int = Field(default=3600, ge=60, le=86_400)
    min_samples: int = Field(default=30, ge=2)
    trade_notional_usd: float = Field(default=100_000.0, gt=0)
    daily_history_days: int = Field(default=30, ge=1, le=3660)
    us_close_grace_seconds: float = Field(default=2.0, ge=0, le=600)
    us_overnight_session: bool = False
    amihud_bucket_seconds: int = Field(default=60, ge=1, le=3600)

    @field_validator("windows")
    @classmethod
    def _check_windows(cls, value: dict[str, int]) -> dict[str, int]:
        return LiquidityConfig._check_windows(value)


class Settings(BaseSettings):
    """The whole daemon configuration."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        defer_build=True,
    )

    server: ServerConfig = ServerConfig.model_construct()
    log: LogConfig = LogConfig.model_construct()
    sessions: SessionsConfig = SessionsConfig.model_construct()
    staleness: StalenessConfig = StalenessConfig.model_construct()
    liquidity: LiquidityConfig = LiquidityConfig.model_construct()
    analytics: AnalyticsConfig = AnalyticsConfig.model_construct()
    fees: FeeOverrides = FeeOverrides.model_construct()
    pairs: dict[str, PairConfig] = Field(default={})
    feeds: dict[str, FeedConfig] = Field(default={})
    dashboard_url: str | None = None
    state_dir: Path | None = None  # default: $XDG_STATE_HOME/dlmon or ~/.local/state/dlmon
    # a factory: the default rules are models (load_settings gives them as data instead)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    notify: NotifyConfig = NotifyConfig.model_construct()
    recorder: RecorderConfig = RecorderConfig.model_construct()
    shard: ShardConfig = ShardConfig.model_construct()
    index: IndexConfig = IndexConfig.model_construct()
    # the tick bus (dlmon gateway, dlmon record; issue 17)
    bus: BusConfig = BusConfig.model_construct()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment first: it overrides what the YAML file (passed as init kwargs) says.
        return (env_settings, init_settings)

    @model_validator(mode="before")
    @classmethod
    def _fold_env_name_case(cls, data: Any) -> Any:
        # Environment variable names are case-insensitive, so DLMON_PAIRS__PONY__X arrives
        # under the key "pony": merge it into the YAML entry "PONY" it means.
        if isinstance(data, dict):
            if isinstance(data.get("pairs"), list):
                data = {**data, "pairs": pairs_mapping(data["pairs"])}
            for section in ("pairs", "feeds"):
                if isinstance(data.get(section), dict):
                    data = {**data, section: _fold_case(data[section])}
            for section, key in (("alerts", "rules"), ("notify", "sinks")):
                part = data.get(section)
                if isinstance(part, dict) and isinstance(part.get(key), dict):
                    data = {**data, section: {**part, key: _fold_case(part[key])}}
        return data

    @model_validator(mode="before")
    @classmethod
    def _place_state(cls, data: Any) -> Any:
        # Alert state and the notification spool go under the state directory unless
        # their own key says otherwise: never silently into the current directory.
        if not isinstance(data, dict):
            return data
        root = Path(data.get("state_dir") or default_state_dir())
        data = {**data, "state_dir": root}
        for section, key, leaf in (
            ("alerts", "state_dir", "alerts"),
            ("notify", "spool_dir", "notify"),
        ):
            part = data.get(section, {})
            if isinstance(part, dict) and key not in part:
                data[section] = {**part, key: root / leaf}
        return data

    @property
    def alert_dashboard_url(self) -> str | None:
        """The link notifications carry: ``alerts.dashboard_url``, else ``dashboard_url``."""
        return self.alerts.dashboard_url or self.dashboard_url

    @model_validator(mode="after")
    def _check_references(self) -> "Settings":
        if not self.pairs:
            raise ValueError("pairs: at least one pair is needed")
        if not any(f.enabled for f in self.feeds.values()):
            raise ValueError("feeds: at least one enabled feed is needed")
        return self


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/dlmon``, else ``~/.local/state/dlmon`` (the image sets
    ``DLMON_STATE_DIR=/var/lib/dlmon``)."""
    xdg = os.environ.get("XDG_STATE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "state"
    return base / "dlmon"


def pairs_mapping(entries: list[Any]) -> dict[str, Any]:
    """The list form of ``pairs`` as the mapping form: ``[PONY, {XIACY: {ads_ratio: 5}}]``
    is ``{PONY: {}, XIACY: {ads_ratio: 5}}`` (a bare name takes everything from the
    catalogue)."""
    out: dict[str, Any] = {}
    for entry in entries:
        if isinstance(entry, str):
            items: list[tuple[str, Any]] = [(entry, {})]
        elif isinstance(entry, dict):
            items = [(str(k), {} if v is None else v) for k, v in entry.items()]
        else:
            raise ValueError(f"pairs: a list entry is a name or a mapping, not {entry!r}")
        for name, value in items:
            if name in out:
                raise ValueError(f"pairs: {name} is listed twice")
            out[name] = value
    return out


def _fold_case(entries: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lowered = [k for k in entries if k == k.lower()]  # in the file's order, not a set's
    for key, value in entries.items():
        if key != key.lower():
            out[key] = value
    for key in lowered:
        twin = next((k for k in out if k.lower() == key), None)
        if twin is None:
            out[key] = entries[key]
        elif isinstance(out[twin], dict) and isinstance(entries[key], dict):
            out[twin] = _deep_merge(out[twin], entries[key])
        else:
            out[twin] = entries[key]
    return out


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_config_text() -> str:
    """The built-in default configuration (same as ``config/default.yaml``)."""
    return resources.files("monitor.data").joinpath("default.yaml").read_text(encoding="utf-8")


def load_yaml(
    text: str, origin: str, edit: RawEdit | None = None, referenced: set[str] | None = None
) -> dict[str, Any]:
    """The YAML mapping of ``text``, changed by ``edit``, with ``${VAR}`` expanded.

    A key given twice in one mapping is an error; the names of the variables referenced
    are added to ``referenced``.
    """
    try:
        data = load_unique_keys(text, origin)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the top level must be a mapping")
    if edit is not None:
        data = edit(data)
    expanded: dict[str, Any] = expand_env(data, origin, "", referenced)
    return expanded


def format_validation_error(exc: ValidationError, origin: str, prefix: tuple[str, ...] = ()) -> str:
    """One line per error: the key path, the reason and, for a value that an environment
    variable set, that variable (``prefix`` is where the validated model sits)."""
    lines = [f"{origin}: invalid configuration"]
    for err in exc.errors():
        loc = _settings_path(err["loc"])
        path = ".".join(str(p) for p in loc) or "(top level)"
        variable = blamed_variable(loc, prefix)
        blame = f" (from environment variable {variable})" if variable else ""
        lines.append(f"  {path}: {_reason(err)}{blame}")
    return "\n".join(lines)


@cache
def _union_tags() -> frozenset[str]:
    # The ``kind`` of every alert rule and the ``type`` of every chat sink.
    tags: set[str] = set()
    for union, tag in ((RuleConfig, "kind"), (SinkConfig, "type")):
        for member in typing.get_args(typing.get_args(union)[0]):
            annotation = member.model_fields[tag].annotation
            tags.update(a for a in typing.get_args(annotation) if isinstance(a, str))
    return frozenset(tags)


def _reason(err: ErrorDetails) -> str:
    ctx = err.get("ctx") or {}
    if err["type"] == "union_tag_not_found":
        return f"no {ctx.get('discriminator', 'type')} given"
    if err["type"] == "union_tag_invalid":
        return (
            f"unknown {ctx.get('discriminator', 'type')} {ctx.get('tag')}"
            f" (known: {ctx.get('expected_tags')})"
        )
    return err["msg"]


def _settings_path(loc: tuple[int | str, ...]) -> list[int | str]:
    # pydantic adds the chosen union member (``premium``, ``slack``) to the location of
    # an error inside a rule or sink: it is not a key of the configuration.
    tags = _union_tags()
    out = list(loc)
    for i in range(2, len(out)):
        if out[i] in tags and out[i - 2] in ("rules", "sinks"):
            return out[:i] + out[i + 1 :]
    return out


def load_settings(path: str | Path | None = None, edit: RawEdit | None = None) -> Settings:
    """Parse the configuration at ``path`` (or ``$DLMON_CONFIG``, or the built-in default).

    ``edit`` may change the raw mapping first (``dlmon replay`` swaps the feeds). Raises
    :class:`ConfigError` with the key path and the reason of every problem.
    """
    origin, text = read_config(path)
    referenced: set[str] = set()
    data = load_yaml(text, origin, edit, referenced)
    unknown = unknown_variables(Settings.model_fields, referenced)
    if unknown:
        raise ConfigError(
            f"environment variable {', '.join(unknown)} matches no setting (sections:"
            f" {', '.join(Settings.model_fields)}); fix its name or unset it"
        )
    if isinstance(data.get("pairs"), list):  # before the environment is merged in
        try:
            data["pairs"] = pairs_mapping(data["pairs"])
        except ValueError as exc:
            raise ConfigError(f"{origin}: invalid configuration\n  {exc}") from None
    data = with_default_rules(data)
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, origin)) from None


def with_default_rules(data: dict[str, Any]) -> dict[str, Any]:
    """Write the default alert rules into a file that has none, so that an environment
    variable setting one key of a rule changes that rule instead of replacing them all."""
    alerts = data.get("alerts")
    if alerts is not None and not isinstance(alerts, dict):
        return data
    alerts = dict(alerts or {})
    if "rules" in alerts:
        return data
    alerts["rules"] = default_rule_data()
    return {**data, "alerts": alerts}


def config_path(path: str | Path | None = None) -> str | Path | None:
    """``path``, else ``$DLMON_CONFIG``, else None (the built-in default)."""
    return path if path is not None else os.environ.get("DLMON_CONFIG") or None


def config_origin(path: str | Path | None = None) -> str:
    """How errors name the configuration that :func:`load_settings` reads for ``path``."""
    chosen = config_path(path)
    return BUILT_IN if chosen is None else str(chosen)


def read_config(path: str | Path | None = None) -> tuple[str, str]:
    """(origin, text) of the configuration ``path``, ``$DLMON_CONFIG`` or the built-in one."""
    chosen = config_path(path)
    if chosen is None:
        return BUILT_IN, default_config_text()
    return str(chosen), read_text(chosen)
