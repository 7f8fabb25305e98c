"""Local mock servers (127.0.0.1) that speak real provider protocols, for feed tests.

Each server runs the provider's control sequence and failure paths and exposes knobs
(bad credentials, connection limit, silent-but-open) plus ``broadcast`` and ``drop``.
"""
