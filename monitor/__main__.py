"""`python -m monitor` is the same as `dlmon`."""

from monitor.cli import main

raise SystemExit(main())
