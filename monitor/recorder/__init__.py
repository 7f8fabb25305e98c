"""Recording of accepted events to rotating tick files, and reading them back for replay.

Kept import-light: :mod:`monitor.config` imports :mod:`monitor.recorder.config`.
"""
