"""`python -m magcalc`: the command line."""

from magcalc.cli import main

raise SystemExit(main())
