from __future__ import annotations

import pytest

from monitor.core.engine import Engine
from monitor.core.sessions import SessionCalendar
from tests.support.builders import pony_pair


@pytest.fixture
def engine() -> Engine:
    return Engine([pony_pair()], SessionCalendar("always_open"), priorities={"a": 10, "b": 5})
