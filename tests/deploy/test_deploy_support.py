"""The missing-binary policy of the deploy checks: skip locally, fail under CI."""

from __future__ import annotations

import pytest

from tests.support.deploy import require_binary

MISSING = "dlmon-no-such-binary"


def test_missing_binary_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=MISSING):
        require_binary(MISSING)


def test_missing_binary_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_binary(MISSING)


def test_present_binary_is_returned() -> None:
    assert require_binary("sh").endswith("/sh")
