"""The recorder: never blocks, drops and counts when full, flushes regularly and at close."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.registry import CollectorRegistry

from monitor.core.events import Event, Trade
from monitor.recorder.files import RotatingTickStore
from monitor.recorder.metrics import RecorderCollector
from monitor.recorder.reader import ReadReport, merge_ticks
from monitor.recorder.recorder import Recorder
from monitor.settings.recorder import RecorderConfig
from tests.support.polling import eventually

T0 = 1_795_185_000_000_000_000


def trades(n: int) -> list[Event]:
    return [Trade("PONY", 15.0 + i / 100, 100.0, T0 + i, T0 + i, "r") for i in range(n)]


def recorded(directory: Path) -> list[Event]:
    paths = sorted(directory.glob("*.csv"))
    return list(merge_ticks(paths, "r", ReadReport(strict=True)))


def disk_usage(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.iterdir())


async def test_offered_events_are_written_by_the_running_writer(tmp_path: Path) -> None:
    recorder = Recorder(RecorderConfig(directory=tmp_path, flush_interval_seconds=0.05))
    task = asyncio.create_task(recorder.run())
    events = trades(50)

    for event in events:
        recorder.offer(event)
    await eventually(lambda: recorder.store.stats.rows_written == 50)
    on_disk_before_close = recorded(tmp_path)  # flushed while the file is still open
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await recorder.close()

    assert on_disk_before_close == events
    assert recorded(tmp_path) == events
    assert recorder.stats.dropped == 0


async def test_a_full_batch_wakes_the_writer_before_the_interval(tmp_path: Path) -> None:
    config = RecorderConfig(directory=tmp_path, flush_interval_seconds=60, batch_size=10)
    recorder = Recorder(config)
    task = asyncio.create_task(recorder.run())

    for event in trades(10):
        recorder.offer(event)
    await eventually(lambda: recorder.store.stats.rows_written == 10)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await recorder.close()


async def test_full_queue_drops_and_counts_without_blocking(tmp_path: Path) -> None:
    recorder = Recorder(RecorderConfig(directory=tmp_path, queue_size=5))
    events = trades(8)

    for event in events:
        recorder.offer(event)  # no writer running: the queue fills up
    await recorder.close()

    assert recorder.stats.offered == 8
    assert recorder.stats.dropped == 3
    assert recorded(tmp_path) == events[:5]


async def test_close_writes_what_is_left_and_is_idempotent(tmp_path: Path) -> None:
    recorder = Recorder(RecorderConfig(directory=tmp_path))
    events = trades(7)
    for event in events:
        recorder.offer(event)

    await recorder.close()
    await recorder.close()
    recorder.offer(trades(1)[0])  # after close: dropped, counted

    assert recorded(tmp_path) == events
    assert recorder.stats.dropped == 1


async def test_write_failure_is_counted_and_the_writer_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the directory should be")
    recorder = Recorder(RecorderConfig(directory=blocker))
    for event in trades(4):
        recorder.offer(event)

    await recorder.drain()

    assert recorder.stats.write_errors == 1
    assert recorder.stats.dropped == 4
    assert recorder.queued == 0


async def test_collector_exports_the_counters(tmp_path: Path) -> None:
    recorder = Recorder(RecorderConfig(directory=tmp_path, queue_size=3))
    registry = CollectorRegistry()
    registry.register(RecorderCollector(recorder))
    for event in trades(5):
        recorder.offer(event)
    await recorder.drain()

    assert registry.get_sample_value("dlmon_recorder_events_total") == 3
    assert registry.get_sample_value("dlmon_recorder_dropped_total") == 2
    assert registry.get_sample_value("dlmon_recorder_files_opened_total") == 1
    assert registry.get_sample_value("dlmon_recorder_queue_events") == 0
    disk = registry.get_sample_value("dlmon_recorder_disk_bytes")
    assert disk == disk_usage(tmp_path)
    await recorder.close()


class FlakyStore(RotatingTickStore):
    """Fails the first write as a full disk would, then works."""

    def __init__(self, config: RecorderConfig) -> None:
        super().__init__(config)
        self.failures = 1

    def write(self, events: Sequence[Event]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError(28, "No space left on device")
        super().write(events)


async def test_after_a_failed_write_the_next_batch_is_written(tmp_path: Path) -> None:
    config = RecorderConfig(directory=tmp_path, batch_size=3)
    recorder = Recorder(config, FlakyStore(config))
    events = trades(6)
    for event in events:
        recorder.offer(event)

    await recorder.drain()  # first batch fails: counted, writer stops this round
    await recorder.drain()  # the rest is written
    await recorder.close()

    assert recorder.stats.write_errors == 1
    assert recorder.stats.dropped == 3
    assert recorded(tmp_path) == events[3:]


def test_recorder_metrics_pass_promtool(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed")
    registry = CollectorRegistry()
    registry.register(RecorderCollector(Recorder(RecorderConfig(directory=tmp_path))))

    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=generate_latest(registry),
        capture_output=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr.decode()
