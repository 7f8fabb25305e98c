"""The report's statistics against plain numpy on hand-made series."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.report.stats import ar1_fit, positive_share, rolling_zscores


def test_zscore_against_the_trailing_window() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=300)
    values[50] = np.nan

    scores = rolling_zscores(values, window=100, step=10, min_samples=30)

    assert len(scores) == 30
    for k, score in enumerate(scores):
        end = (k + 1) * 10
        window = values[max(0, end - 100) : end]
        finite = window[np.isfinite(window)]
        if finite.size < 30 or not np.isfinite(values[end - 1]):
            assert math.isnan(score)
            continue
        expected = (values[end - 1] - finite.mean()) / finite.std(ddof=1)
        assert score == pytest.approx(expected, rel=1e-9)


def test_a_flat_window_has_no_zscore() -> None:
    assert np.isnan(rolling_zscores(np.full(120, 0.01), 60, 60, 30)).all()


def test_ar1_half_life_of_a_known_process() -> None:
    rng = np.random.default_rng(7)
    phi = 0.9
    x = np.zeros(20_000)
    for t in range(1, x.size):
        x[t] = phi * x[t - 1] + rng.normal()
    x[100] = np.nan  # gaps drop the two pairs around them

    fit = ar1_fit(x, 30)

    assert fit is not None
    ok = np.isfinite(x[:-1]) & np.isfinite(x[1:])
    slope = np.polyfit(x[:-1][ok], x[1:][ok], 1)[0]
    assert fit.coefficient == pytest.approx(slope, rel=1e-9)
    assert fit.samples == int(ok.sum())
    assert fit.half_life == pytest.approx(-math.log(2) / math.log(slope), rel=1e-9)
    assert fit.half_life == pytest.approx(-math.log(2) / math.log(phi), rel=0.1)
    assert ar1_fit(np.full(100, 1.0), 30) is None


def test_positive_share_counts_finite_samples() -> None:
    assert positive_share(np.array([1.0, -1.0, np.nan, 2.0, 0.0])) == 0.5
    assert positive_share(np.array([np.nan])) is None
