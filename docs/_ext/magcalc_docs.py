"""Pages of the magcalc docs that are generated at build time, so they cannot go stale.

``.. magcalc-cli::``
    The help of ``magcalc`` and of every subcommand, as ``magcalc ... --help`` prints it,
    one section each (use it in a reStructuredText page). Subcommands are found by
    walking the argparse parser that ``magcalc.cli.build_parser`` returns; each help text
    comes from running the command itself.
``.. magcalc-modules::``
    A table: one line per module of the installed package (the first line of its
    docstring) and one per package data file (its row in ``magcalc/data/README.md``, or its
    columns where the README has none yet).

The build also warns (so ``-W`` fails) when a public name, one in ``magcalc.__all__`` or
in the ``__all__`` of ``magcalc.batch`` or ``magcalc.fdc``, is missing from the API
reference.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

logger = logging.getLogger(__name__)

# Submodules whose __all__ the API reference covers beside magcalc's own.
PUBLIC_SUBMODULES = ("magcalc.batch", "magcalc.fdc")
# Wide enough for the help to read as in a terminal, narrow enough for the page.
HELP_COLUMNS = "88"


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each subcommand, in the order ``--help`` lists them."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) in seen:  # an alias of a command already listed
                    continue
                seen.add(id(sub))
                found.append((name, str(helps.get(name, "")), sub))
    return found


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], str]]:
    commands: list[tuple[tuple[str, ...], str]] = []
    for name, summary, sub in _subcommands(parser):
        commands.append(((*path, name), summary))
        commands.extend(_walk(sub, (*path, name)))
    return commands


def _help_text(path: tuple[str, ...]) -> str:
    env = dict(os.environ, COLUMNS=HELP_COLUMNS, NO_COLOR="1", PYTHON_COLORS="0")
    done = subprocess.run(
        [sys.executable, "-m", "magcalc", *path, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        logger.warning(
            "`magcalc %s --help` exited with %d: %s",
            " ".join(path),
            done.returncode,
            done.stderr.strip(),
            type="magcalc",
        )
    return done.stdout.rstrip()


def _literal(text: str) -> list[str]:
    return ["", ".. code-block:: text", ""] + ["   " + line for line in text.splitlines()] + [""]


class CliHelp(SphinxDirective):
    """Every ``magcalc ... --help`` text, one section per command."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        cli = importlib.import_module("magcalc.cli")
        build = getattr(cli, "build_parser", None)
        if build is None:
            logger.warning(
                "magcalc.cli has no build_parser(); the CLI reference cannot list the commands",
                location=self.get_location(),
                type="magcalc",
            )
            return []
        lines = ["``magcalc --help``", "-" * 18, *_literal(_help_text(()))]
        for path, summary in _walk(build()):
            title = "magcalc " + " ".join(path)
            lines += [title, ("-" if len(path) == 1 else "~") * len(title), ""]
            if summary:
                lines += [summary[0].upper() + summary[1:] + ".", ""]
            lines += _literal(_help_text(path))
        return nested_parse_to_nodes(
            self.state, StringList(lines, source="magcalc --help"), allow_section_headings=True
        )


def _first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return doc.strip().splitlines()[0] if doc else ""


def _data_rows(readme: Path) -> dict[str, str]:
    """``file -> what it holds`` from the "Package data" table of the data README."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Package data", 1)[-1]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`[^`]+`", cells[0]):
            per, columns = cells[1], cells[2]
            rows[cells[0].strip("`")] = columns if per in ("", "-") else f"one row per {per}"
    return rows


def _csv_columns(path: Path) -> str:
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().strip()
    return "columns: " + header.replace(",", ", ") if header else ""


def _inline(text: str) -> list[nodes.Node]:
    """Text with its code spans (reST ````x```` or Markdown ```x```) as literals."""
    out: list[nodes.Node] = []
    end = 0
    for m in re.finditer(r"``(.+?)``|`([^`]+)`", text):
        out.append(nodes.Text(text[end : m.start()]))
        code = m.group(1) or m.group(2)
        out.append(nodes.literal(code, code))
        end = m.end()
    out.append(nodes.Text(text[end:]))
    return [n for n in out if n.astext()]


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> nodes.table:
    group = nodes.tgroup(cols=2)
    group += [nodes.colspec(colwidth=35), nodes.colspec(colwidth=65)]

    def row(cells: list[list[nodes.Node]]) -> nodes.row:
        r = nodes.row()
        for content in cells:
            r += nodes.entry("", nodes.paragraph("", "", *content))
        return r

    group += nodes.thead("", row([[nodes.Text(h)] for h in header]))
    group += nodes.tbody("", *(row([[nodes.literal(n, n)], _inline(t)]) for n, t in rows))
    return nodes.table("", group)


class ModuleTable(SphinxDirective):
    """One line per module of the installed magcalc source tree and per package data file."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        package = Path(importlib.import_module("magcalc").__file__ or "").parent
        readme = package / "data" / "README.md"
        described = _data_rows(readme) if readme.is_file() else {}
        self.env.note_dependency(str(readme))
        rows = []
        # Each folder's __init__.py first, then its modules, then its subpackages.
        for path in sorted(
            package.rglob("*.py"),
            key=lambda p: (p.relative_to(package).parent.parts, p.name != "__init__.py", p.name),
        ):
            self.env.note_dependency(str(path))
            name = path.relative_to(package).as_posix()
            line = _first_line(path)
            if not line:
                logger.warning(
                    "magcalc/%s has no module docstring",
                    name,
                    location=self.get_location(),
                    type="magcalc",
                )
            rows.append((f"magcalc/{name}", line))
        for path in sorted((package / "data").glob("*.csv")):
            # A file data/README.md does not describe yet is listed by its columns.
            text = described.get(path.name) or _csv_columns(path)
            rows.append((f"magcalc/data/{path.name}", text))
        return [_table(("file", "what it holds"), rows)]


def _public_names() -> dict[str, list[str]]:
    names = {"magcalc": [n for n in importlib.import_module("magcalc").__all__ if n[:2] != "__"]}
    for module in PUBLIC_SUBMODULES:
        names[module] = list(importlib.import_module(module).__all__)
    return names


def check_api_coverage(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn for each public name the API reference does not document."""
    documented = {entry[0] for entry in env.get_domain("py").get_objects()}
    for module, names in _public_names().items():
        for name in names:
            # A name may be documented under the top-level alias or in its public submodule.
            places = {f"{module}.{name}", f"magcalc.{name}"}
            places |= {f"{sub}.{name}" for sub in PUBLIC_SUBMODULES}
            if not places & documented:
                logger.warning(
                    "%s.%s is public but missing from the API reference (docs/api/)",
                    module,
                    name,
                    type="magcalc",
                )


def public_bases(app: Sphinx, name: str, obj: Any, options: Any, bases: list[Any]) -> None:
    """Show a class's public ancestry: a private base is replaced by its own bases."""
    shown: list[Any] = []
    todo = list(bases)
    while todo:
        base = todo.pop(0)
        private = getattr(base, "__name__", "").startswith("_")
        if private or getattr(base, "__module__", "").startswith("magcalc._"):
            todo[:0] = list(base.__bases__)
        elif base not in shown:
            shown.append(base)
    bases[:] = shown


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("magcalc-cli", CliHelp)
    app.add_directive("magcalc-modules", ModuleTable)
    app.connect("env-check-consistency", check_api_coverage)
    app.connect("autodoc-process-bases", public_bases)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
