"""Rotating tick files: size and day rotation, the disk bound, names that never collide."""

from __future__ import annotations

from pathlib import Path

from monitor.core.events import NS_PER_SECOND, Event, Quote, Trade
from monitor.recorder.files import RotatingTickStore
from monitor.recorder.reader import ReadReport, merge_ticks
from monitor.settings.recorder import RecorderConfig

T0 = 1_795_185_000_000_000_000  # 2026-11-20T14:30:00Z
DAY = 86_400 * NS_PER_SECOND
KIB = 1024
ROW_BYTES = 96  # upper bound of one row of these tests (80 bytes at most)


def quotes(n: int, start: int = T0, step: int = 1_000_000) -> list[Event]:
    return [
        Quote("PONY", 15.0 + i * 0.01, 100.0 + i, 15.02 + i * 0.01, 200.0, t, t, "r")
        for i, t in ((i, start + i * step) for i in range(n))
    ]


def read_back(paths: list[Path]) -> list[Event]:
    report = ReadReport(strict=True)
    return list(merge_ticks(paths, "r", report))


def test_files_rotate_by_size_and_read_back_in_order(tmp_path: Path) -> None:
    config = RecorderConfig(directory=tmp_path, rotate_bytes=8 * KIB, max_total_bytes=10**9)
    store = RotatingTickStore(config)
    events = quotes(3000)

    for start in range(0, len(events), 500):
        store.write(events[start : start + 500])
    store.close()

    files = store.files()
    assert len(files) > 5
    assert store.stats.files_opened == len(files)
    row_bytes = max(len(line) for line in files[0].read_text().splitlines()) + 1
    assert all(p.stat().st_size <= config.rotate_bytes + 2 * row_bytes for p in files)
    assert read_back(files) == events


def test_files_rotate_at_utc_midnight(tmp_path: Path) -> None:
    store = RotatingTickStore(RecorderConfig(directory=tmp_path))
    midnight = (T0 // DAY + 1) * DAY
    before = quotes(3, start=midnight - 10_000_000)
    after = quotes(3, start=midnight)

    store.write(before + after)
    store.close()

    first, second = store.files()
    assert first.name.startswith("ticks-20261120T235959Z-")
    assert second.name.startswith("ticks-20261121T000000Z-")
    assert read_back([first]) == before
    assert read_back([second]) == after


def test_late_event_of_the_previous_day_stays_in_the_current_file(tmp_path: Path) -> None:
    store = RotatingTickStore(RecorderConfig(directory=tmp_path))
    midnight = (T0 // DAY + 1) * DAY

    store.write(quotes(1, start=midnight + 5) + quotes(1, start=midnight - 5))
    store.close()

    assert len(store.files()) == 1


def test_disk_use_stays_under_the_bound_by_deleting_the_oldest(tmp_path: Path) -> None:
    config = RecorderConfig(directory=tmp_path, rotate_bytes=8 * KIB, max_total_bytes=32 * KIB)
    store = RotatingTickStore(config)
    events = quotes(6000)

    for start in range(0, len(events), 200):
        store.write(events[start : start + 200])
        on_disk = sum(p.stat().st_size for p in store.files())
        assert on_disk <= config.max_total_bytes + 2 * ROW_BYTES
    store.close()

    files = store.files()
    assert store.stats.files_deleted > 0
    assert sum(p.stat().st_size for p in files) <= config.max_total_bytes + 2 * ROW_BYTES
    kept = read_back(files)
    assert kept == events[-len(kept) :]  # the newest data survives, contiguous


def test_old_files_of_an_earlier_run_count_against_the_bound(tmp_path: Path) -> None:
    config = RecorderConfig(directory=tmp_path, rotate_bytes=4 * KIB, max_total_bytes=8 * KIB)
    old = [tmp_path / f"ticks-2026010{i}T000000Z-0000.csv" for i in range(1, 4)]
    for path in old:
        path.write_bytes(b"x" * 3000)
    unrelated = tmp_path / "notes.txt"
    unrelated.write_bytes(b"y" * 50_000)
    store = RotatingTickStore(config)

    store.write(quotes(10))
    store.close()

    assert [p.exists() for p in old] == [False, False, True]
    assert unrelated.exists()
    assert store.stats.files_deleted == 2


def test_a_restart_in_the_same_second_gets_a_new_file(tmp_path: Path) -> None:
    config = RecorderConfig(directory=tmp_path)
    for _ in range(2):
        store = RotatingTickStore(config)
        store.write([Trade("PONY", 15.0, 1.0, T0, T0, "r")])
        store.close()

    names = [p.name for p in RotatingTickStore(config).files()]
    assert names == ["ticks-20261120T143000Z-0000.csv", "ticks-20261120T143000Z-0001.csv"]
