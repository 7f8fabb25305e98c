from __future__ import annotations

import pytest

from monitor.core.engine import Engine
from monitor.core.sessions import SessionCalendar
from tests.support.builders import pony_pair

T0 = 1_790_000_000_000_000_000  # 2026-09-21T14:13:20Z, a Monday
S = 1_000_000_000


@pytest.fixture
def engine() -> Engine:
    return Engine([pony_pair()], SessionCalendar("always_open"), priorities={"a": 10, "b": 5})
