"""Every Python block of README.md runs, and prints what the README shows.

The README's conventions, which this module enforces:

- A ```python block with ``>>>`` prompts is a doctest: each output shown is compared
  with what Python prints (reprs where Python prints reprs).
- A ```python block without prompts is run as a script. What it prints must be the
  ```text block right after it, character for character; a block with no ```text block
  after it must print nothing. Every ```text block is such an output.
- The blocks of one ``##`` section share a namespace, in order (as in one Python
  session); each section starts afresh, so a section can be copied on its own.
- A block can be marked in an HTML comment on the lines just above it:
  ``<!-- readme-test: skip, REASON -->`` (never run: live services) or
  ``<!-- readme-test: requires MODULE -->`` (run only when MODULE is importable).
- Blocks run from the checkout's root, so ``examples/people.csv`` is the shipped file.

A failure shows the README line and a diff of what the README shows against what the
code printed, so an intended change of output is quick to copy into the README.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import doctest
import importlib.util
import io
import itertools
import os
import re
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

FENCE = re.compile(r"^(?P<fence>`{3,})[ \t]*(?P<lang>[\w+-]*)")
DIRECTIVE = re.compile(r"<!--\s*readme-test:\s*(?P<kind>skip|requires)\b[\s,:]*(?P<arg>.*?)\s*-->")


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    line: int  # 1-based line of the opening fence
    end: int  # 1-based line of the closing fence
    lang: str
    source: str
    section: str
    directive: tuple[str, str] | None = None  # ("skip", reason) or ("requires", module)
    output: Block | None = None  # the ```text block that follows a script block

    @property
    def is_doctest(self) -> bool:
        return any(line.lstrip().startswith(">>>") for line in self.source.splitlines())


def parse(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, each with its section and directive."""
    lines = text.splitlines(keepends=True)
    blocks: list[Block] = []
    section = "(top)"
    directive: tuple[str, str] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = FENCE.match(line)
        if opening:
            fence = opening["fence"]
            close = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), None)
            if close is None:
                raise AssertionError(f"README.md:{i + 1}: this code block is never closed")
            blocks.append(
                Block(
                    line=i + 1,
                    end=close + 1,
                    lang=opening["lang"].lower(),
                    source="".join(lines[i + 1 : close]),
                    section=section,
                    directive=directive,
                )
            )
            directive = None
            i = close + 1
            continue
        if line.startswith("## "):
            section = line[3:].strip()
        found = DIRECTIVE.search(line)
        if found:
            directive = (found["kind"], found["arg"])
        elif line.strip():
            directive = None  # a directive applies only to the block right below it
        i += 1
    return _attach_outputs(blocks, lines)


def _attach_outputs(blocks: list[Block], lines: list[str]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        between = lines[previous.end : block.line - 1] if previous else []
        if (
            block.lang == "text"
            and previous is not None
            and previous.lang == "python"
            and not previous.is_doctest
            and not any(line.strip() for line in between)
        ):
            out[-1] = dataclasses.replace(previous, output=block)
        out.append(block)
    return out


BLOCKS = parse(README.read_text(encoding="utf-8"))
PYTHON = [b for b in BLOCKS if b.lang == "python"]


@dataclass(frozen=True)
class Outcome:
    status: str  # "passed", "failed" or "skipped"
    message: str = ""


def _diff(shown: str, printed: str, where: str) -> str:
    lines = difflib.unified_diff(
        shown.splitlines(),
        printed.splitlines(),
        fromfile=f"{where} (README shows)",
        tofile="(the code printed)",
        lineterm="",
    )
    return "\n".join(lines)


def _run_doctest(block: Block, namespace: dict[str, object]) -> Outcome:
    name = f"README.md:{block.line}"
    # lineno is the fence's line, so doctest names README lines in its reports.
    test = doctest.DocTestParser().get_doctest(
        block.source, namespace, name, str(README), block.line
    )
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.REPORT_UDIFF)
    result = runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # DocTest works on a copy; later blocks see its names
    if result.failed:
        return Outcome("failed", report.getvalue())
    return Outcome("passed")


def printed_by(block: Block, namespace: dict[str, object]) -> str:
    """What a script block prints, run in ``namespace`` (scripts/update_readme_outputs.py
    uses it too)."""
    # Leading newlines put the code on its README lines, so tracebacks name them.
    code = compile("\n" * block.line + block.source, str(README), "exec")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)
    return printed.getvalue()


def _run_script(block: Block, namespace: dict[str, object]) -> Outcome:
    where = f"README.md:{block.line}"
    try:
        text = printed_by(block, namespace)
    except Exception:
        return Outcome("failed", f"{where} raised:\n{traceback.format_exc()}")
    shown = block.output.source if block.output else ""
    if text != shown:
        if block.output is None:
            return Outcome(
                "failed",
                f"{where} prints this, but no ```text block after it shows it:\n{text}",
            )
        return Outcome("failed", _diff(shown, text, f"README.md:{block.output.line}"))
    return Outcome("passed")


def _run_all(blocks: list[Block]) -> dict[int, Outcome]:
    outcomes: dict[int, Outcome] = {}
    namespaces: dict[str, dict[str, object]] = {}
    failed_before: dict[str, int] = {}
    for block in blocks:
        namespace = namespaces.setdefault(block.section, {"__name__": "__readme__"})
        if block.directive and block.directive[0] == "skip":
            outcomes[block.line] = Outcome("skipped", block.directive[1])
            continue
        if block.directive and block.directive[0] == "requires":
            module = block.directive[1]
            if importlib.util.find_spec(module) is None:
                outcomes[block.line] = Outcome("skipped", f"needs {module}, which is not installed")
                continue
        outcome = (_run_doctest if block.is_doctest else _run_script)(block, namespace)
        if outcome.status == "failed" and block.section in failed_before:
            earlier = failed_before[block.section]
            outcome = Outcome(
                "failed",
                f"(README.md:{earlier}, earlier in this section, failed too; this may follow)\n"
                f"{outcome.message}",
            )
        if outcome.status == "failed":
            failed_before.setdefault(block.section, block.line)
        outcomes[block.line] = outcome
    return outcomes


@pytest.fixture(scope="module")
def outcomes() -> dict[int, Outcome]:
    """Run every Python block once, in README order, from the checkout's root."""
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        mp.chdir(ROOT)
        # Spark's workers must use this interpreter (with magcalc), not the first python3.
        mp.setenv("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", sys.executable))
        # pyspark warns on every session that it does not yet support pandas 3; it
        # is pyspark's notice about itself, not a fault of the README's code.
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support", category=FutureWarning
        )
        return _run_all(PYTHON)


@pytest.mark.parametrize("block", PYTHON, ids=[f"line{b.line}" for b in PYTHON])
def test_readme_block(block: Block, outcomes: dict[int, Outcome]) -> None:
    outcome = outcomes[block.line]
    if outcome.status == "skipped":
        pytest.skip(f"README.md:{block.line}: {outcome.message}")
    if outcome.status == "failed":
        pytest.fail(outcome.message, pytrace=False)


def test_every_output_block_is_checked() -> None:
    """A ```text block that is not a script block's output would be an unchecked claim."""
    attached = {b.output.line for b in PYTHON if b.output}
    loose = [b.line for b in BLOCKS if b.lang == "text" and b.line not in attached]
    assert not loose, f"```text blocks at README.md lines {loose} follow no Python script block"
    doctest_then_text = [
        b.line
        for b, nxt in itertools.pairwise(BLOCKS)
        if b.lang == "python" and b.is_doctest and nxt.lang == "text"
    ]
    assert not doctest_then_text, f"doctest blocks show their output inline: {doctest_then_text}"


def test_every_block_runs_unless_marked_and_marks_say_why() -> None:
    unlabelled = [b.line for b in BLOCKS if b.lang == "" and b.source.strip()]
    assert not unlabelled, f"say the language of the code blocks at README.md lines {unlabelled}"
    assert len(PYTHON) >= 10
    for block in PYTHON:
        if block.directive:
            kind, arg = block.directive
            assert arg, f"README.md:{block.line}: a readme-test {kind} must say why / what"
    skipped = [b for b in PYTHON if b.directive and b.directive[0] == "skip"]
    assert all("network" in b.directive[1] for b in skipped if b.directive), (
        "only blocks that need the network are skipped"
    )


def test_every_example_file_the_readme_names_is_shipped() -> None:
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"examples/[\w./-]+\.\w+", text))
    assert "examples/people.csv" in named
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"README.md names files that are not in examples/: {missing}"


def test_parser_reads_sections_directives_and_outputs() -> None:
    text = (
        "## A\n\n<!-- readme-test: skip, needs the network -->\n\n```python\nx = 1\n```\n"
        "## B\n```python\nprint(2)\n```\n\n```text\n2\n```\n```bash\n# not a heading\n```\n"
        "```python\n>>> 1\n1\n```\n"
    )
    first, second, out, bash, third = parse(text)
    assert (first.section, first.directive) == ("A", ("skip", "needs the network"))
    assert (second.section, second.directive, second.output) == ("B", None, out)
    assert (out.lang, out.source) == ("text", "2\n")
    assert bash.section == "B" and third.is_doctest and third.output is None
