"""The alert service: evaluate periodically, notify transitions, persist state."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any, Protocol

import structlog

from monitor.alerts.evaluator import Evaluator, FiringAlert, Transition, match_labels
from monitor.alerts.format import to_notice
from monitor.alerts.inhibit import Candidate, InhibitRule, feed_pairs, inhibited
from monitor.alerts.silences import Silences
from monitor.alerts.store import StateStore
from monitor.alerts.text import iso
from monitor.core.snapshot import MarketSnapshot
from monitor.feeds.base import FeedHealth
from monitor.notify.models import Notice
from monitor.settings.alerts import AlertsConfig
from monitor.slices import TimeSlice

log = structlog.get_logger(__name__)

SnapshotFn = Callable[[int], MarketSnapshot]
FeedsFn = Callable[[], Sequence[FeedHealth]]


Mute = Callable[[str], bool]
"""``mute(sink name)``: whether a notice must not go to that sink (silenced, inhibited)."""


class Notifier(Protocol):
    """What the alert service needs from :class:`monitor.notify.NotifyService`."""

    def notify(self, notice: Notice, mute: Mute | None = None) -> list[str]: ...

    def resync(self, notices: list[Notice]) -> None: ...

    async def flush(self) -> None: ...


class AlertService:
    """Run :class:`Evaluator` every ``evaluation_interval_seconds`` and route notices.

    Order per evaluation: evaluate (pure) -> queue notices -> fsync them to the spool ->
    save alert state. A crash therefore never loses a notification whose alert state
    was saved as notified (at worst it is sent twice, with the same key).
    """

    def __init__(
        self,
        config: AlertsConfig,
        snapshot_fn: SnapshotFn,
        feeds_fn: FeedsFn,
        notifier: Notifier | None = None,
        *,
        dashboard_url: str | None = None,
        clock: Callable[[], int] = time.time_ns,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self.evaluator = Evaluator(config.rules if config.enabled else {})
        self.notifier = notifier
        self.dashboard_url = config.dashboard_url or dashboard_url
        self.evaluations = 0
        self.transitions_total = 0
        self._snapshot_fn = snapshot_fn
        self._feeds_fn = feeds_fn
        self._clock = clock
        self._sleep = sleep
        self._store = StateStore(config.state_dir)
        self._errors_logged: dict[str, int] = {}
        self.silences = Silences(config.state_dir)
        self.inhibit_rules = [InhibitRule.from_config(c) for c in config.inhibit_rules]
        self.inhibitions: dict[str, list[str]] = {}  # fingerprint -> inhibiting alerts

    def now(self) -> int:
        """The service's clock (recorded time under replay)."""
        return self._clock()

    async def start(self) -> None:
        """Restore the saved state (firing alerts stay firing, without a new page) and
        the silences; resolve restored alerts no rule evaluates any more."""
        try:
            count = await asyncio.to_thread(self.silences.load)
            if count:
                log.info("silences_restored", silences=count)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("silences_unreadable", path=str(self.silences.path), error=str(exc))
        try:
            data = await asyncio.to_thread(self._store.load)
        except (OSError, ValueError) as exc:
            log.error("alert_state_unreadable", path=str(self._store.path), error=str(exc))
            return
        if data is not None:
            firing = self.evaluator.restore_state(data, self._clock())
            log.info("alert_state_restored", firing=firing)
        if self.notifier is not None:
            now = self._clock()
            restored = [
                to_notice(t, self.dashboard_url, self.config.status_url)
                for t in self.evaluator.firing_transitions(now)
            ]
            self.notifier.resync(restored)
        orphans, self.evaluator.orphans = self.evaluator.orphans, []
        if orphans:
            self._notify(orphans)
            if self.notifier is not None:
                await self.notifier.flush()
            await self.save()

    async def run(self) -> None:
        """Evaluate forever (cancel to stop)."""
        interval = self.config.evaluation_interval_seconds
        while True:
            await self.evaluate_once()
            await self._sleep(interval)

    async def evaluate_once(self) -> list[Transition]:
        """One evaluation round; return its transitions."""
        now = self._clock()
        snapshot = self._snapshot_fn(now)
        transitions: list[Transition] = []
        steps = self.evaluator.evaluate_steps(snapshot, self._feeds_fn(), now, transitions)
        slice_ = TimeSlice(background=True)  # a request in flight goes first
        for _ in steps:  # hundreds of pairs do not hold the loop
            await slice_.pause()
        await self._update_inhibitions(feed_pairs(snapshot), slice_)
        self.evaluations += 1
        self._log_rule_errors()
        if transitions:
            self._notify(transitions)
            if self.notifier is not None:
                await self.notifier.flush()
        if self.evaluator.dirty:
            await self.save()
        return transitions

    async def _update_inhibitions(self, served: dict[str, set[str]], slice_: TimeSlice) -> None:
        if not self.inhibit_rules:
            return
        candidates = []
        for a in self.evaluator.iter_alerts():
            labels = a.match_labels()
            candidates.append(
                Candidate(a.fingerprint, labels, True, f"{a.rule} {a.subject} ({a.state})")
            )
            await slice_.pause()
        self.inhibitions = inhibited(self.inhibit_rules, candidates, served)

    def labels_of(self, t: Transition) -> dict[str, str]:
        """The labels silences match for transition ``t``."""
        kind = self.evaluator.kind_of(t.rule)
        obs = t.observation
        return match_labels(t.rule, kind, obs.pair, t.severity, obs.subject, t.labels)

    def _mute_for(self, t: Transition, now: int) -> Mute:
        labels = self.labels_of(t)
        inhibited_now = t.fingerprint in self.inhibitions

        def mute(sink: str) -> bool:
            return inhibited_now or bool(self.silences.muting({**labels, "sink": sink}, now))

        return mute

    def _notify(self, transitions: list[Transition]) -> None:
        self.transitions_total += len(transitions)
        now = self._clock()
        for t in transitions:
            notice = to_notice(t, self.dashboard_url, self.config.status_url)
            mute = self._mute_for(t, now)
            sinks = self.notifier.notify(notice, mute) if self.notifier else []
            log.info(
                "alert_" + t.kind.value,
                rule=t.rule,
                pair=t.observation.pair,
                subject=t.observation.subject,
                value=t.observation.value,
                key=t.key,
                sinks=sinks,
                orphaned=t.orphaned or None,
            )

    async def save(self) -> None:
        """Persist the alert state now."""
        try:
            await asyncio.to_thread(self._store.save, self.evaluator.export_state())
        except OSError as exc:
            self.evaluator.dirty = True
            log.error("alert_state_write_failed", path=str(self._store.path), error=str(exc))

    def _log_rule_errors(self) -> None:
        for rule, count in self.evaluator.errors.items():
            if self._errors_logged.get(rule) != count:
                self._errors_logged[rule] = count
                log.error("alert_rule_error", rule=rule, error=self.evaluator.last_error[rule])

    async def close(self) -> None:
        await self.save()

    def firing(self) -> list[FiringAlert]:
        return self.evaluator.firing()

    def api_alerts(self, states: Collection[str] = ("firing",)) -> list[dict[str, Any]]:
        """The alerts in ``states`` (``firing``, ``pending``) as JSON objects for
        ``GET /api/v1/alerts``, with the silences and alerts that mute them."""
        now = self._clock()
        return [
            {
                "rule": a.rule,
                "pair": a.pair,
                "subject": a.subject,
                "severity": a.severity,
                "since": iso(a.since_ns),
                "since_ns": a.since_ns,
                "value": a.value,
                "threshold": a.threshold,
                "summary": a.summary,
                "labels": dict(a.labels),
                "fingerprint": a.fingerprint,
                "stale": a.stale,
                "state": a.state,
                "silenced_by": self.silences.muting(a.match_labels(), now),
                "inhibited_by": list(self.inhibitions.get(a.fingerprint, ())),
            }
            for a in self.evaluator.alerts()
            if a.state in states
        ]
