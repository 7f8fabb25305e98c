"""The HTTP surface: ``server`` (aiohttp app: /metrics, /healthz, /readyz, /api/v1/...,
status page), ``api`` (JSON shapes from snapshots) and ``metrics/`` (scrape-time
collectors of the market, the feeds and the tasks; other rooms export their own)."""
