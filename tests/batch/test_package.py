"""magcalc.batch without pandas: an error that says how to install it."""

from __future__ import annotations

import subprocess
import sys


def test_import_without_pandas_says_how_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['pandas'] = None\n"
        "try:\n"
        "    import magcalc.batch\n"
        "except ImportError as err:\n"
        "    from magcalc.errors import MagcalcError\n"
        '    print(isinstance(err, MagcalcError), "magcalc[pandas]" in str(err))\n'
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
