"""dlmon: a dual-listing (HK/US) premium, arbitrage-edge and liquidity monitor."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dlmon")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
