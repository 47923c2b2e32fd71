#!/usr/bin/env python3
"""Rewrite the ```text blocks of README.md with what the Python block above each prints.

The README is a test (tests/test_readme.py): a script block's printed output must equal
the text block under it. After a change that alters what an example prints, run this,
read the diff (`git diff README.md`) and keep it only if the new output is right.
Doctest blocks (``>>>``) are not rewritten: the test names any that fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_readme  # noqa: E402  (the README's own parser and runner)


def main() -> int:
    os.chdir(ROOT)
    lines = test_readme.README.read_text(encoding="utf-8").splitlines(keepends=True)
    namespaces: dict[str, dict[str, object]] = {}
    replacements: list[tuple[int, int, str]] = []
    for block in test_readme.PYTHON:
        namespace = namespaces.setdefault(block.section, {"__name__": "__readme__"})
        if block.directive is not None:
            continue  # skipped or needs an optional module: left as written
        if block.is_doctest:
            outcome = test_readme._run_doctest(block, namespace)
            if outcome.status == "failed":
                print(f"README.md:{block.line}: doctest fails; fix it by hand", file=sys.stderr)
            continue
        printed = test_readme.printed_by(block, namespace)
        if block.output is not None and block.output.source != printed:
            # The text block's body is between its fence lines (1-based line numbers).
            replacements.append((block.output.line, block.output.end - 1, printed))
    for start, end, text in reversed(replacements):
        lines[start:end] = [text]
    test_readme.README.write_text("".join(lines), encoding="utf-8")
    print(f"rewrote {len(replacements)} output block(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
