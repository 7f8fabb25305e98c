"""Classification of TWS API error / notice codes that matter to a market-data feed.

Source: https://ibkrcampus.com/campus/ibkr-api-page/twsapi-doc/#api-error-codes
"""

from __future__ import annotations

import enum


class CodeKind(enum.StrEnum):
    """What a TWS code means for the feed."""

    ENTITLEMENT = "entitlement"  # the leg has no market data permission
    DELAYED_NOTICE = "delayed_notice"  # live not subscribed, delayed data follows
    CONTRACT = "contract"  # no security definition: the leg cannot be served
    CONNECTIVITY_LOST = "connectivity_lost"  # TWS lost IB's servers; data stops
    RESTORED_DATA_LOST = "restored_data_lost"  # back, but subscriptions must be renewed
    RESTORED = "restored"  # back with subscriptions kept
    CONNECTION = "connection"  # the API socket could not be used
    FARM = "farm"  # a market data farm went down or came back (informational)
    OTHER = "other"


_KINDS: dict[int, CodeKind] = {
    354: CodeKind.ENTITLEMENT,  # Requested market data is not subscribed
    10089: CodeKind.ENTITLEMENT,  # requires additional subscription for API
    10090: CodeKind.ENTITLEMENT,  # part of requested market data is not subscribed
    10168: CodeKind.ENTITLEMENT,  # not subscribed, delayed market data is not enabled
    10186: CodeKind.ENTITLEMENT,  # not subscribed, delayed market data is not available
    10197: CodeKind.ENTITLEMENT,  # no market data during competing live session
    10167: CodeKind.DELAYED_NOTICE,  # not subscribed, displaying delayed market data
    200: CodeKind.CONTRACT,  # no security definition has been found
    1100: CodeKind.CONNECTIVITY_LOST,
    2110: CodeKind.CONNECTIVITY_LOST,  # connectivity between TWS and server is broken
    1101: CodeKind.RESTORED_DATA_LOST,
    1102: CodeKind.RESTORED,
    502: CodeKind.CONNECTION,  # couldn't connect to TWS
    504: CodeKind.CONNECTION,  # not connected
    326: CodeKind.CONNECTION,  # client id already in use
    2103: CodeKind.FARM,
    2104: CodeKind.FARM,
    2105: CodeKind.FARM,
    2106: CodeKind.FARM,
    2157: CodeKind.FARM,
    2158: CodeKind.FARM,
}


def classify(code: int) -> CodeKind:
    """Return what TWS code ``code`` means for a market-data feed."""
    return _KINDS.get(code, CodeKind.OTHER)


__all__ = ["CodeKind", "classify"]
