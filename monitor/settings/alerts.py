"""The ``alerts:`` section: alert rules and evaluation settings.

Rules are a mapping ``name -> rule``; the rule's ``kind`` selects its options. Premium and
edge levels are ratios (``0.02`` = 2 %) and may also be written ``"2%"`` or ``"200bp"``.
Every rule has a ``severity``, ``labels``, and the state-machine timings: ``for_seconds``
(pending before firing), ``clear_for_seconds`` (the clear condition must hold that long
before resolving, so a flapping value resolves once), ``repeat_seconds`` (re-notify while
firing, 0 = never) and ``cooldown_seconds`` (no new firing that soon after a resolve).
"""

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from monitor.matchers import parse_list
from monitor.settings.base import Model

Severity = Literal["info", "warning", "critical"]
Basis = Literal["mid", "buy_hk_sell_us", "buy_us_sell_hk"]
EdgeBasis = Literal["buy_hk_sell_us", "buy_us_sell_hk", "any"]
Leg = Literal["us", "hk", "fx"]
EquityLeg = Literal["us", "hk"]
Direction = Literal["above", "below"]

_RATIO = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(%|bp|bps)?\s*$", re.IGNORECASE)


def parse_ratio(value: Any) -> Any:
    """Accept ``0.02``, ``"2%"``, ``"200bp"`` and return the ratio."""
    if isinstance(value, str):
        m = _RATIO.match(value)
        if not m:
            raise ValueError(f"not a ratio, percentage or bp value: {value!r}")
        number = float(m.group(1))
        unit = (m.group(2) or "").lower()
        return number / 100 if unit == "%" else number / 10_000 if unit else number
    return value


Ratio = Annotated[float, BeforeValidator(parse_ratio)]


def _all_legs() -> list[Leg]:
    return ["us", "hk", "fx"]


def _equity_legs() -> list[EquityLeg]:
    return ["us", "hk"]


class RuleBase(Model):
    """Options shared by every rule."""

    enabled: bool = True
    pairs: list[str] = Field(default=[], description="empty = every pair")
    severity: Severity = "warning"
    labels: dict[str, str] = Field(default={})
    for_seconds: float = Field(default=10.0, ge=0)
    clear_for_seconds: float = Field(default=60.0, ge=0)
    repeat_seconds: float = Field(default=3600.0, ge=0)
    cooldown_seconds: float = Field(default=300.0, ge=0)
    runbook_url: str | None = Field(default=None, description="what to do: linked in every page")
    annotations: dict[str, str] = Field(
        default={}, description="extra text on the notice (webhook, Alertmanager)"
    )


class PremiumRule(RuleBase):
    """Premium on ``basis`` above / below ``threshold``; resolves past ``clear``."""

    kind: Literal["premium"]
    basis: Basis = "mid"
    direction: Direction = "above"
    threshold: Ratio
    clear: Ratio | None = Field(default=None, description="default: 5 bp inside threshold")
    live_only: bool = Field(default=False, description="only while both venues trade")

    @model_validator(mode="after")
    def _check_clear(self) -> "PremiumRule":
        _check_side(self.direction, self.threshold, self.clear)
        return self


class PremiumChangeRule(RuleBase):
    """Premium on ``basis`` moved by ``change`` or more within ``window_seconds`` (up, down
    or either way); resolves once the move over the window is back under ``clear``
    (default: half of ``change``)."""

    kind: Literal["premium_change"]
    basis: Basis = "mid"
    change: Ratio = Field(gt=0)
    clear: Ratio | None = Field(default=None, ge=0)
    window_seconds: float = Field(default=300.0, gt=0)
    sample_seconds: float = Field(default=1.0, gt=0)
    direction: Literal["up", "down", "either"] = "either"
    for_seconds: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _check_clear(self) -> "PremiumChangeRule":
        if self.clear is not None and self.clear > self.change:
            raise ValueError("clear must not exceed change")
        return self


class EdgeRule(RuleBase):
    """Executable edge (net of costs) above ``threshold`` (default 0) on a basis or either.

    HK and US regular sessions never overlap, so by default the edge is also checked
    against a closed venue's reference price (the message says so); ``live_only: true``
    restricts the rule to moments when both venues trade (e.g. US overnight venues).
    """

    kind: Literal["edge"]
    basis: EdgeBasis = "any"
    threshold: Ratio = 0.0
    clear: Ratio | None = None
    live_only: bool = False

    @model_validator(mode="after")
    def _check_clear(self) -> "EdgeRule":
        _check_side("above", self.threshold, self.clear)
        return self


class ZScoreRule(RuleBase):
    """Premium z-score against its rolling mean and deviation over ``window_seconds``."""

    kind: Literal["zscore"]
    basis: Basis = "mid"
    window_seconds: float = Field(default=3600.0, gt=0)
    min_samples: int = Field(default=120, ge=3)
    sample_seconds: float = Field(default=1.0, gt=0)
    threshold: float = Field(default=3.0, gt=0)
    clear: float = Field(default=2.0, ge=0)
    direction: Literal["above", "below", "both"] = "both"

    @model_validator(mode="after")
    def _check_clear(self) -> "ZScoreRule":
        if self.clear > self.threshold:
            raise ValueError("clear must not exceed threshold")
        return self


class StaleLegRule(RuleBase):
    """A leg is stale while its venue is in session."""

    kind: Literal["stale_leg"]
    legs: list[Leg] = Field(default_factory=_all_legs)
    for_seconds: float = Field(default=30.0, ge=0, description="grace for startup / gaps")
    clear_for_seconds: float = Field(default=10.0, ge=0)


class FeedDownRule(RuleBase):
    """A feed is not streaming (connected, authenticated and subscribed)."""

    kind: Literal["feed_down"]
    feeds: list[str] = Field(default=[], description="empty = every feed")
    for_seconds: float = Field(default=30.0, ge=0)
    clear_for_seconds: float = Field(default=10.0, ge=0)


class FxBandRule(RuleBase):
    """USD/HKD near (within ``margin``) or outside the Linked Exchange Rate band."""

    kind: Literal["fx_band"]
    low: float = Field(default=7.75, gt=0)
    high: float = Field(default=7.85, gt=0)
    margin: float = Field(default=0.002, ge=0, description="HKD from an edge counted as near")
    clear_margin: float = Field(default=0.004, ge=0)

    @model_validator(mode="after")
    def _check_band(self) -> "FxBandRule":
        if self.low >= self.high:
            raise ValueError("low must be below high")
        if self.clear_margin < self.margin:
            raise ValueError("clear_margin must be at least margin")
        return self


class SpreadRule(RuleBase):
    """Quoted spread wider than ``multiple`` x its rolling median."""

    kind: Literal["spread"]
    legs: list[EquityLeg] = Field(default_factory=_equity_legs)
    multiple: float = Field(default=3.0, gt=1)
    clear_multiple: float = Field(default=2.0, ge=1)
    window_seconds: float = Field(default=1800.0, gt=0)
    sample_seconds: float = Field(default=5.0, gt=0)
    min_samples: int = Field(default=30, ge=3)

    @model_validator(mode="after")
    def _check_clear(self) -> "SpreadRule":
        if self.clear_multiple > self.multiple:
            raise ValueError("clear_multiple must not exceed multiple")
        return self


class TurnoverRule(RuleBase):
    """Turnover over liquidity window ``window`` above ``multiple`` x its rolling median."""

    kind: Literal["turnover_spike"]
    legs: list[EquityLeg] = Field(default_factory=_equity_legs)
    window: str = "1m"
    multiple: float = Field(default=5.0, gt=1)
    clear_multiple: float = Field(default=3.0, ge=1)
    baseline_seconds: float = Field(default=3600.0, gt=0)
    sample_seconds: float = Field(default=10.0, gt=0)
    min_samples: int = Field(default=30, ge=3)
    min_turnover_usd: float = Field(default=10_000.0, ge=0, description="ignore below this")

    @model_validator(mode="after")
    def _check_clear(self) -> "TurnoverRule":
        if self.clear_multiple > self.multiple:
            raise ValueError("clear_multiple must not exceed multiple")
        return self


class NoTradesRule(RuleBase):
    """No trade on a leg for ``minutes`` while its venue is in session (possible halt)."""

    kind: Literal["no_trades"]
    legs: list[EquityLeg] = Field(default_factory=_equity_legs)
    minutes: float = Field(default=10.0, gt=0)
    for_seconds: float = Field(default=0.0, ge=0)
    clear_for_seconds: float = Field(default=0.0, ge=0)


RuleConfig = Annotated[
    PremiumRule
    | PremiumChangeRule
    | EdgeRule
    | ZScoreRule
    | StaleLegRule
    | FeedDownRule
    | FxBandRule
    | SpreadRule
    | TurnoverRule
    | NoTradesRule,
    Field(discriminator="kind"),
]


def _check_side(direction: str, threshold: float, clear: float | None) -> None:
    if clear is None:
        return
    if direction == "above" and clear > threshold:
        raise ValueError("clear must not be above threshold for direction 'above'")
    if direction == "below" and clear < threshold:
        raise ValueError("clear must not be below threshold for direction 'below'")


def default_rule_data() -> dict[str, dict[str, Any]]:
    """The keys of the rules that make sense for any pair (data quality and the peg), as a
    config file would write them: plain data, so that loading a config validates them
    once, with the rest (no model is built for them on their own)."""
    return {
        "leg_stale": {"kind": "stale_leg", "severity": "warning"},
        "feed_down": {"kind": "feed_down", "severity": "critical"},
        "usdhkd_peg_band": {"kind": "fx_band", "severity": "warning"},
        "edge_positive": {"kind": "edge", "severity": "warning"},
    }


def default_rules() -> dict[str, RuleConfig]:
    """Rules that make sense for any pair: :func:`default_rule_data` validated."""
    return AlertsConfig.model_validate({"rules": default_rule_data()}).rules


def _check_matchers(items: list[str]) -> list[str]:
    try:
        parse_list(items)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return items


class InhibitRuleConfig(Model):
    """Mute alerts matching ``target_matchers`` while an alert matching ``source_matchers``
    is pending or firing with the same ``equal`` labels (Alertmanager's ``inhibit_rule``)."""

    source_matchers: list[str] = Field(min_length=1)
    target_matchers: list[str] = Field(min_length=1)
    equal: list[str] = Field(default=[])

    @field_validator("source_matchers", "target_matchers")
    @classmethod
    def _matchers(cls, value: list[str]) -> list[str]:
        return _check_matchers(value)


def default_inhibit_rules() -> list[InhibitRuleConfig]:
    """Premium, edge and z-score alerts of a pair are muted while one of its legs is
    stale or a feed serving it is down (their values come from stale prices)."""
    # model_construct: constant, valid values (a test validates them), and no schema build
    return [
        InhibitRuleConfig.model_construct(
            source_matchers=['kind=~"stale_leg|feed_down"'],
            target_matchers=['kind=~"premium|premium_change|edge|zscore"'],
            equal=["pair"],
        )
    ]


class AlertsConfig(Model):
    """Alert rules, evaluation cadence and where alert state is kept."""

    enabled: bool = True
    rules: dict[str, RuleConfig] = Field(default_factory=default_rules)
    inhibit_rules: list[InhibitRuleConfig] = Field(default_factory=default_inhibit_rules)
    evaluation_interval_seconds: float = Field(default=1.0, gt=0)
    state_dir: Path = Path("state/alerts")
    dashboard_url: str | None = None
    status_url: str | None = Field(default=None, description="dlmon's status page, linked")

    @model_validator(mode="after")
    def _check_names(self) -> "AlertsConfig":
        for name in self.rules:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(f"rules: {name!r} must be a word (letters, digits, _)")
        return self
