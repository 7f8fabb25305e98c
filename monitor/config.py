"""Configuration: YAML validated by pydantic, overridable by ``DLMON_<SECTION>__<KEY>``.

Named collections (``pairs``, ``feeds``) are mappings keyed by name so that every key has
an environment variable, e.g. ``DLMON_FEEDS__POLYGON__API_KEY`` or ``DLMON_SERVER__PORT``.
String values in YAML may reference the environment as ``${VAR}``; any secret field
``x`` may instead be given as ``x_file`` (a path whose content is the secret).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from monitor.alerts.config import AlertsConfig
from monitor.core.engine import DEFAULT_WINDOWS
from monitor.errors import ConfigError

if TYPE_CHECKING:
    from monitor.core.analytics import AnalyticsSettings
from monitor.notify.config import NotifyConfig
from monitor.recorder.config import RecorderConfig

ENV_PREFIX = "DLMON_"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class Model(BaseModel):
    """Base of config sections: unknown keys are errors; ``<secret>_file`` is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        return read_secret_files(cls, data)


def read_secret_files(cls: type[BaseModel], data: Any) -> Any:
    """Replace ``<field>_file: PATH`` by ``<field>: <content of PATH>`` for secret fields."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for key in list(out):
        if not key.endswith("_file"):
            continue
        name = key[: -len("_file")]
        target = cls.model_fields.get(name)
        if target is None or "SecretStr" not in repr(target.annotation):
            continue
        path = Path(str(out.pop(key)))
        try:
            out[name] = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"cannot read {key} {str(path)!r}: {exc.strerror}") from None
    return out


class ServerConfig(Model):
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)


class LogConfig(Model):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["auto", "json", "console"] = "auto"


class FeeOverrides(Model):
    """Any subset of :class:`monitor.core.fees.FeeSchedule` fields."""

    as_of: date | None = None
    hk_stamp_duty_rate: float | None = Field(default=None, ge=0)
    hk_sfc_levy_rate: float | None = Field(default=None, ge=0)
    hk_afrc_levy_rate: float | None = Field(default=None, ge=0)
    hk_trading_fee_rate: float | None = Field(default=None, ge=0)
    hk_settlement_rate: float | None = Field(default=None, ge=0)
    hk_settlement_min_hkd: float | None = Field(default=None, ge=0)
    hk_settlement_max_hkd: float | None = Field(default=None, ge=0)
    hk_commission_rate: float | None = Field(default=None, ge=0)
    hk_commission_min_hkd: float | None = Field(default=None, ge=0)
    us_sec_fee_rate: float | None = Field(default=None, ge=0)
    us_finra_taf_per_share: float | None = Field(default=None, ge=0)
    us_finra_taf_max_usd: float | None = Field(default=None, ge=0)
    us_commission_per_share: float | None = Field(default=None, ge=0)
    us_commission_min_usd: float | None = Field(default=None, ge=0)
    ads_issue_fee_usd: float | None = Field(default=None, ge=0)
    ads_cancel_fee_usd: float | None = Field(default=None, ge=0)
    conversion_stamp_duty_rate: float | None = Field(default=None, ge=0)

    def set_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class StalenessConfig(Model):
    """Seconds of silence, while the venue is in session, after which a leg is stale."""

    us_seconds: float = Field(default=60.0, gt=0)
    hk_seconds: float = Field(default=60.0, gt=0)
    fx_seconds: float = Field(default=120.0, gt=0)


class PairConfig(Model):
    """One HK/US dual listing. Omitted fields come from the built-in catalogue."""

    us: str | None = None
    hk: str | None = None
    fx: str = "USDHKD"
    ads_ratio: float | None = Field(default=None, gt=0)
    ratio_as_of: date | None = None
    hk_lot_size: int | None = Field(default=None, gt=0)
    edge_notional_usd: float = Field(default=100_000.0, gt=0)
    fees: FeeOverrides = FeeOverrides()
    staleness: StalenessConfig | None = None


class FeedConfig(BaseModel):
    """Provider-independent feed settings; provider options are the remaining keys."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str
    enabled: bool = True
    priority: int = 0
    instruments: list[str] = Field(default_factory=list)
    symbols: dict[str, str] = Field(default_factory=dict)
    silence_timeout_seconds: float = Field(default=30.0, gt=0)

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

    def core(self) -> AnalyticsSettings | None:
        """The core settings, or None when analytics are disabled."""
        from monitor.core.analytics import AnalyticsSettings

        if not self.enabled:
            return None
        return AnalyticsSettings.from_mapping(
            self.windows, **self.model_dump(exclude={"enabled", "windows"})
        )


class Settings(BaseSettings):
    """The whole daemon configuration."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    server: ServerConfig = ServerConfig()
    log: LogConfig = LogConfig()
    sessions: SessionsConfig = SessionsConfig()
    staleness: StalenessConfig = StalenessConfig()
    liquidity: LiquidityConfig = LiquidityConfig()
    analytics: AnalyticsConfig = AnalyticsConfig()
    fees: FeeOverrides = FeeOverrides()
    pairs: dict[str, PairConfig] = Field(default_factory=dict)
    feeds: dict[str, FeedConfig] = Field(default_factory=dict)
    dashboard_url: str | None = None
    alerts: AlertsConfig = AlertsConfig()
    notify: NotifyConfig = NotifyConfig()
    recorder: RecorderConfig = RecorderConfig()

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
            for section in ("pairs", "feeds"):
                if isinstance(data.get(section), dict):
                    data = {**data, section: _fold_case(data[section])}
        return data

    @model_validator(mode="after")
    def _check_references(self) -> Settings:
        if not self.pairs:
            raise ValueError("pairs: at least one pair is needed")
        if not any(f.enabled for f in self.feeds.values()):
            raise ValueError("feeds: at least one enabled feed is needed")
        return self


def _fold_case(entries: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lowered = {k for k in entries if k == k.lower()}
    for key, value in entries.items():
        if key in lowered:
            continue
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


def expand_env(value: Any) -> Any:
    """Substitute ``${VAR}`` and ``${VAR:-default}`` in every string of a YAML tree."""
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            raise ConfigError(f"environment variable {name} is not set")

        return _ENV_REF.sub(repl, value)
    if isinstance(value, list):
        return [expand_env(v) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v) for k, v in value.items()}
    return value


def default_config_text() -> str:
    """The built-in default configuration (same as ``config/default.yaml``)."""
    return resources.files("monitor.data").joinpath("default.yaml").read_text(encoding="utf-8")


def load_yaml(text: str, origin: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the top level must be a mapping")
    expanded: dict[str, Any] = expand_env(data)
    return expanded


def format_validation_error(exc: ValidationError, origin: str) -> str:
    lines = [f"{origin}: invalid configuration"]
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"  {path}: {err['msg']}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None) -> Settings:
    """Load the configuration from ``path`` (or ``$DLMON_CONFIG``, or the built-in default).

    Raises :class:`ConfigError` with the key path and the reason of every problem.
    """
    if path is None:
        path = os.environ.get("DLMON_CONFIG") or None
    if path is None:
        origin, text = "<built-in default>", default_config_text()
    else:
        origin = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{origin}: cannot read: {exc.strerror}") from None
    data = load_yaml(text, origin)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, origin)) from None
    from monitor.wiring import validate_settings  # late: wiring imports feed packages

    validate_settings(settings, origin)
    return settings
