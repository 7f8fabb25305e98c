"""The tasks collector: build information and restarts of the supervised background tasks."""

from __future__ import annotations

import platform
from collections.abc import Iterator, Mapping

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.scrape import guarded


class TasksCollector(Collector):
    """Yield ``dlmon_build_info{version,revision,python_version}`` and ``dlmon_task_restarts``.

    ``restarts`` is the supervisor's live count per task name; it is only read.
    """

    def __init__(
        self,
        version: str,
        restarts: Mapping[str, int],
        *,
        revision: str = "",
        python_version: str = "",
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._build = [version, revision, python_version or platform.python_version()]
        self._restarts = restarts
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily(
            "dlmon_build_info",
            "Build information (revision empty when unknown)",
            labels=["version", "revision", "python_version"],
        )
        info.add_metric(self._build, 1)
        yield info
        yield from guarded(task_restart_families, self._restarts)


def task_restart_families(restarts: Mapping[str, int]) -> Iterator[Metric]:
    """Yield ``dlmon_task_restarts{task}``."""
    family = CounterMetricFamily(
        "dlmon_task_restarts", "Background task restarts after a crash", labels=["task"]
    )
    for task, count in sorted(restarts.items()):
        family.add_metric((task,), count)
    yield family
