"""`python -m nearer` runs the same entry point as the `nearer` command."""

from nearer.cli import main

raise SystemExit(main())
