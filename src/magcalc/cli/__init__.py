"""The ``magcalc`` command line (also ``python -m magcalc``).

Readable tables by default, ``--json`` for machines. An error prints one line to stderr
(a JSON object with ``--json``) and exits with status 1; a usage error is argparse's and
exits with 2; never a traceback, and no "Broken pipe" under ``| head``.

``main`` builds the parser and runs a subcommand (:mod:`magcalc.cli.main`); the
``batch`` and ``fdc`` subcommands live in :mod:`magcalc.cli.batch` and
:mod:`magcalc.cli.fdc`, and what they share in :mod:`magcalc.cli._common`.
"""

from __future__ import annotations

from magcalc.cli._common import NoMatchError
from magcalc.cli.main import build_parser, main

__all__ = ["NoMatchError", "build_parser", "main"]
