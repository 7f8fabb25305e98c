"""Recording of accepted events to rotating tick files, and reading them back for replay."""
