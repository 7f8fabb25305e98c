"""Scrape-time collectors: ``market`` (one snapshot per scrape: pairs, instruments,
liquidity, analytics, validation), ``feeds``, ``tasks``; each fresh, stateless, degrading."""
