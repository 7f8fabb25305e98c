"""The bus recorder's journal: a crash at any point is cut back to the last checkpoint."""

from __future__ import annotations

from pathlib import Path

from monitor.core.events import Quote, Trade
from monitor.recorder.journal import BusJournal
from monitor.settings.recorder import RecorderConfig
from tests.support.builders import T0


def journal(directory: Path, rotate_bytes: int = 4096) -> BusJournal:
    return BusJournal(RecorderConfig(directory=directory, rotate_bytes=rotate_bytes,
                                     max_total_bytes=1 << 20))  # fmt: skip


def quote(i: int) -> Quote:
    return Quote("PONY", 15.0, 100.0, 15.01, 200.0, T0 + i, T0 + i, "sim")


def lines(directory: Path) -> list[str]:
    out: list[str] = []
    for path in sorted(directory.glob("ticks-bus-*.csv")):
        out.extend(path.read_text().splitlines()[1:])
    return out


def test_a_fresh_journal_starts_at_zero_and_names_files_by_first_sequence(tmp_path: Path) -> None:
    j = journal(tmp_path)
    assert j.recover() == 0
    j.write([quote(1), Trade("PONY", 15.0, 10.0, T0, T0, "sim")], first_seq=7, last_seq=8)
    j.close()
    assert [p.name for p in j.files()] == ["ticks-bus-000000000007.csv"]
    assert journal(tmp_path).recover() == 8


def test_rows_written_after_the_checkpoint_are_cut_back(tmp_path: Path) -> None:
    j = journal(tmp_path)
    j.recover()
    j.write([quote(1)], 1, 1)
    j.close()
    path = j.files()[0]
    with path.open("a") as torn:  # the process died between write and checkpoint
        torn.write(f"{T0 + 2},PONY,quote,15.0,1")
    again = journal(tmp_path)
    assert again.recover() == 1
    again.write([quote(3)], 2, 2)
    again.close()
    assert lines(tmp_path) == [f"{T0 + 1},PONY,quote,15,100,15.01,200,,",
                               f"{T0 + 3},PONY,quote,15,100,15.01,200,,"]  # fmt: skip


def test_a_file_begun_after_the_checkpoint_is_discarded(tmp_path: Path) -> None:
    j = journal(tmp_path)
    j.recover()
    j.write([quote(1)], 1, 1)
    j.close()
    (tmp_path / "ticks-bus-000000000002.csv").write_text("ts\n")  # rotated, then died
    assert journal(tmp_path).recover() == 1
    assert [p.name for p in j.files()] == ["ticks-bus-000000000001.csv"]


def test_files_rotate_at_the_size_bound(tmp_path: Path) -> None:
    j = journal(tmp_path, rotate_bytes=4096)
    j.recover()
    for seq in range(1, 200):
        j.write([quote(seq)], seq, seq)
    j.close()
    assert len(j.files()) > 1
    assert len(lines(tmp_path)) == 199
