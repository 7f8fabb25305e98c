"""The feed registry: every type declares a pydantic options model; optional SDKs stay lazy."""

from __future__ import annotations

import subprocess
import sys

from pydantic import BaseModel

from monitor.feeds.registry import FEED_PACKAGES, feed_type

OPTIONAL_SDKS = {"ibkr": "ib_async", "futu": "futu"}


def test_every_registered_type_has_an_options_model_and_a_factory() -> None:
    for name in FEED_PACKAGES:
        entry = feed_type(name)
        assert issubclass(entry.options, BaseModel) and callable(entry.factory)


def test_types_without_an_extra_never_import_the_optional_sdks() -> None:
    others = [name for name in FEED_PACKAGES if name not in OPTIONAL_SDKS]
    script = (
        "import sys\n"
        "import monitor.app.build\n"
        "from monitor.feeds.registry import feed_type\n"
        f"for name in {others!r}:\n"
        "    feed_type(name)\n"
        f"print(sorted(set({sorted(OPTIONAL_SDKS.values())!r}) & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
