"""``dlmon report`` over a recording made offline by the simulator's market model."""

from __future__ import annotations

import csv
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.app.replay import run_replay
from monitor.report.events import load_events
from monitor.report.main import report_settings
from monitor.report.sampler import SAMPLE_COLUMNS, SecondSampler
from monitor.report.series import frames
from tests.support.cli import run_cli
from tests.support.oracle import mid_premium
from tests.support.recording import write_recording

Capture = pytest.CaptureFixture[str]
CHARTS = ("premium", "distribution", "edges", "zscore", "liquidity", "share", "fx")
# From Thursday 2026-11-19 23:30 UTC: NASDAQ post-market until 01:00 UTC (its close), then
# HKEX on Friday: pre-open 01:00, continuous 01:30-04:00, lunch 04:00-05:00 UTC
START = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rec") / "ticks.csv"
    write_recording(path, START, hours=5.5, updates_per_second=0.5)
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_writes_the_charts_the_page_and_the_daily_csv(
    recording: Path, tmp_path: Path, capsys: Capture
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n"
        "  - {date: '2026-11-20T02:30:00Z', label: Stock Connect inclusion, kind: connect}\n"
        "  - {date: 2026-12-01, label: outside the recording}\n"
    )
    out = tmp_path / "report"

    result = run_cli(capsys, "report", str(recording), "--out", str(out), "--events", str(events))

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out / 'index.html'}\n"
    page = (out / "index.html").read_text()
    for chart in CHARTS:
        assert f"src='PONY_{chart}.png'" in page
        width, height = png_size(out / f"PONY_{chart}.png")
        assert width >= 800 and height >= 300
    assert "Stock Connect inclusion" in page and "daily.csv" in page
    rows = list(csv.DictReader((out / "daily.csv").read_text().splitlines()))
    assert [(r["date"], r["pair"]) for r in rows] == [
        ("2026-11-19", "PONY"),
        ("2026-11-20", "PONY"),
    ]
    day = rows[1]
    assert int(day["seconds"]) > 3 * 3600  # one premium a second from HK's first quote on
    assert float(day["live_basis_share"]) == 0.0  # the venues never trade at the same time
    assert float(day["hk_turnover_usd"]) > 0 and float(day["us_turnover_usd"]) > 0
    share = float(day["hk_turnover_usd"]) / (
        float(day["hk_turnover_usd"]) + float(day["us_turnover_usd"])
    )
    assert float(day["hk_turnover_share"]) == pytest.approx(share, rel=1e-12)
    assert float(day["mid_min_bp"]) <= float(day["mid_mean_bp"]) <= float(day["mid_max_bp"])
    assert 0 <= float(day["buy_hk_sell_us_positive_share"]) <= 1


async def test_samples_are_the_engines_premiums_at_each_recorded_second(recording: Path) -> None:
    settings = report_settings(None, [str(recording)], None)
    samplers: list[SecondSampler] = []

    def sampler(daemon: object) -> SecondSampler:
        samplers.append(SecondSampler(daemon.engine))  # type: ignore[attr-defined]
        return samplers[-1]

    await run_replay(settings, [recording], listeners=[sampler])
    (sampler_,) = samplers
    rows = [dict(zip(SAMPLE_COLUMNS, row, strict=True)) for row in sampler_.samples]
    seconds = [row["ts"] // 1_000_000_000 for row in rows]
    assert seconds == sorted(set(seconds))  # one sample per recorded second with data
    priced = [r for r in rows if r["mid"] is not None]
    assert len(priced) > 6000  # seconds with an event (0.5 a second) after HK opened
    for row in priced[:: len(priced) // 50]:
        expected = mid_premium(row["us_mid"], row["fx_mid"], row["hk_mid"], row["ads_ratio"])
        assert row["mid"] == pytest.approx(expected, rel=1e-9)
    # never both venues in session: a reference basis, HK with its lunch, US after hours
    assert {r["basis"] for r in priced} == {"reference"}
    assert {r["hk_session"] for r in rows} >= {"pre_open", "continuous", "lunch"}
    assert {r["us_session"] for r in rows} >= {"post_market", "closed"}
    series = frames(sampler_.samples, sampler_.trade_rows())["PONY"]
    assert series.half_life is not None and series.half_life.samples > 1000
    assert series.zscore.notna().sum() > 30
    assert set(series.trades["venue"]) == {"XHKG", "XNAS"}


def test_missing_file_and_bad_events_are_clear(tmp_path: Path, capsys: Capture) -> None:
    result = run_cli(capsys, "report", str(tmp_path / "nope.csv"), "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"dlmon: no such file: {tmp_path / 'nope.csv'}\n"

    events = tmp_path / "events.csv"
    events.write_text("date,label\n2026-11-20,ok\nnot a date,bad\n")
    with pytest.raises(Exception, match=r"events.csv:3: date 'not a date'"):
        load_events(events)


def test_report_without_the_extra_names_it(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    path = tmp_path / "ticks.csv"
    path.write_text("ts,instrument,kind,bid,bid_size,ask,ask_size,price,size\n")

    result = run_cli(capsys, "report", str(path), "--out", str(tmp_path / "out"))

    assert result.returncode == 1
    assert "dlmon report needs the optional extra 'report': pip install 'dlmon[report]'" in (
        result.stderr
    )
