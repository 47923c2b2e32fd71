"""The command line's manners, as pip, ruff and httpie have them.

Help for every option, choices and examples in ``--help``, ``--version``; errors on
stderr with exit 1 and usage errors with exit 2; ``--json`` errors as JSON; quiet under
``| head``; no Python advice in messages; tqdm progress for ``batch``; bare numbers are
grams.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import magcalc
from magcalc.cli import batch as _cli_batch
from magcalc.cli import build_parser, main
from magcalc.cli import fdc as _cli_fdc
from magcalc.cli._common import CLI_WORDING, for_cli

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "magcalc"
CLI_PARTS = {"cli", "__main__.py"}  # the command line and its entry point


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def magcalc_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "magcalc", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the command line with its command path, the main one first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, (*path, name))


# --------------------------------------------------------------------------- help


def test_every_option_and_command_has_help() -> None:
    for path, parser in parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help, (path, choice.dest)
                continue
            assert action.help and action.help != argparse.SUPPRESS, (path, action.dest)


def test_sex_and_framework_list_their_choices_from_the_library(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["targets", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # unwrapped
    assert "--sex SEX female, male (or f, m)" in text
    assert "reference values to compare with: " + ", ".join(magcalc.frameworks()) in text
    for path, parser in parsers(build_parser()):
        for action in parser._actions:
            if action.dest == "framework":
                assert list(action.choices or ()) == magcalc.frameworks(), path


def test_choices_are_spelled_as_the_library_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "targets", "--age", "34", "--sex", "F", "--framework", "efsa2015", "--json"
    )
    assert status == 0
    data = json.loads(out)
    assert data["framework"] == "EFSA2015"
    assert data["life_stage"] == "females >=18 y"


def test_help_lists_everyday_commands_first_then_examples_and_exit_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    names = list(commands.choices)
    assert names[:3] == ["food", "search", "assess"]
    assert names[-2:] == ["batch", "fdc"]  # needs pandas / the network
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.index("    food ") < out.index("    batch ") < out.index("    fdc ")
    assert "examples:\n  magcalc food almonds 30" in out
    status = out[out.index("exit status:") :]
    for code, meaning in (("0", "success"), ("1", "error"), ("2", "usage error")):
        assert re.search(rf"^  {code} +{meaning}", status, re.MULTILINE), (code, status)
    assert "JSON object" in status


@pytest.mark.parametrize(
    "path",
    [p for p, _ in parsers(build_parser()) if p],
    ids=" ".join,
)
def test_every_command_help_has_examples(
    capsys: pytest.CaptureFixture[str], path: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "\nexamples:\n  magcalc " + " ".join(path) in out


def test_version() -> None:
    for flag in ("--version", "-V"):
        done = magcalc_cli(flag)
        assert (done.returncode, done.stdout, done.stderr) == (
            0,
            f"magcalc {magcalc.__version__}\n",
            "",
        )


def test_plain_help_does_not_load_the_reference_tables() -> None:
    """The choices are read when needed, so `magcalc --help` stays quick."""
    code = (
        "import contextlib, io, sys\n"
        "from magcalc.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('magcalc.dri.references', 'magcalc.dri.people', 'pandas', 'pydantic')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


# --------------------------------------------------------------------------- exit status


def test_an_error_is_one_line_on_stderr_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "food", "zzqqxx", "1", "cup")
    assert (status, out) == (1, "")
    assert err.startswith("magcalc: error: no food matches 'zzqqxx'")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["food"], "the following arguments are required: food"),
        (["targets", "--sex", "female"], "one of the arguments --age --age-months is required"),
        (
            ["targets", "--age", "3", "--sex", "x"],
            "invalid choice: 'x' (choose from 'female', 'male')",
        ),
        (["targets", "--age", "3", "--age-months", "3", "--sex", "f"], "not allowed with"),
        (["targets", "--age", "30", "--sex", "f", "--pregnant", "--lactating"], "not allowed with"),
        (["search"], "required: query"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["search", "kale", "--limit", "many"], "invalid int value: 'many'"),
    ],
)
def test_usage_errors_are_argparse_s_with_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.startswith("usage: magcalc")
    assert said in err
    assert "Traceback" not in err


def test_exclude_without_suggest_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["assess", "--age", "30", "--sex", "f", "--food", "11458", "1 cup", "--exclude", "vegan"]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.startswith("usage: magcalc assess")
    assert err.splitlines()[-1] == (
        "magcalc assess: error: --exclude needs --suggest (it narrows the suggestions)"
    )
    assert run(capsys, *argv, "--suggest")[0] == 0
    assert run(capsys, "suggest", "100", "--exclude", "vegan", "--limit", "2")[0] == 0


# --------------------------------------------------------------------------- --json


def json_lines(err: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in err.splitlines()]


@pytest.mark.parametrize(
    ("argv", "error", "said"),
    [
        (["food", "zzqqxx", "1 cup"], "UnknownFoodError", "no food matches 'zzqqxx'"),
        (["food", "11458", "2 blorps"], "UnknownUnitError", "unknown unit"),
        (["targets", "--age", "-3", "--sex", "f"], "PersonError", "negative"),
        (
            ["assess", "--age", "30", "--sex", "f", "--diary", "/no/such.csv"],
            "DiaryError",
            "no diary file",
        ),
        (["search", "xqzzv"], "NoMatchError", "no foods match 'xqzzv'"),
    ],
)
def test_json_errors_are_a_json_object_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], error: str, said: str
) -> None:
    status, out, err = run(capsys, *argv, "--json")
    assert (status, out) == (1, "")
    (data,) = json_lines(err)
    assert data["error"] == error
    assert said in data["message"]


def test_json_usage_errors_are_json_too(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "targets", "--age", "3", "--sex", "x", "--json")
    assert (status, out) == (2, "")
    (data,) = json_lines(err)
    assert data["error"] == "UsageError"
    assert "invalid choice: 'x'" in data["message"]
    assert data["usage"].startswith("usage: magcalc targets")


def test_json_warnings_are_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "food", "11458", "50 kg", "--json")
    assert status == 0
    assert json.loads(out)["grams"] == 50_000
    (data,) = json_lines(err)
    assert data["warning"] == "PlausibilityWarning"
    assert "50 kg" in data["message"]


def test_a_search_without_a_match_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "search", "xqzzv", "--json")
    assert (status, out) == (1, "")  # was `[]` and status 0
    assert json_lines(err)[0]["error"] == "NoMatchError"
    status, out, err = run(capsys, "search", "xqzzv")
    assert (status, out) == (1, "")
    assert err.startswith("magcalc: error: no foods match 'xqzzv'; try fewer or other words")


class NoFoods:
    """An FDC client stand-in whose searches find nothing."""

    def search(self, query: str, **kwargs: object) -> list[object]:
        return []


def test_an_fdc_search_without_a_match_fails(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_cli_fdc._clients, True, NoFoods())  # the CLI's shared client
    status, out, err = run(capsys, "fdc", "search", "xqzzv", "--json")
    assert (status, out) == (1, "")
    (data,) = json_lines(err)
    assert data["error"] == "NoMatchError"
    assert "FoodData Central has no" in data["message"] and "--branded" in data["message"]
    status, out, err = run(capsys, "fdc", "search", "xqzzv")
    assert (status, out) == (1, "")
    assert err.startswith("magcalc: error: FoodData Central has no")


# --------------------------------------------------------------------------- | head


def _reader_gone(*args: str) -> tuple[int, str]:
    """Run magcalc with the reading end of its stdout closed before it writes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "magcalc", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=120), err


@pytest.mark.parametrize(
    ("argv", "statuses"),
    [
        (["search", "kale"], {1}),  # 1 as the Python docs' recipe exits
        (["forms", "--json"], {1}),
        (["--help"], {0, 1}),  # argparse itself ignores a failed write of the help
    ],
)
def test_a_closed_pipe_is_quiet(argv: list[str], statuses: set[int]) -> None:
    status, err = _reader_gone(*argv)
    assert err == ""  # no traceback, no "Broken pipe", no "Exception ignored"
    assert status in statuses


def test_head_reads_the_first_lines_only() -> None:
    """As under `magcalc search raw --limit 1000 | head -n 2`: far more than a pipe holds."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "magcalc", "search", "raw", "--limit", "1000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = [proc.stdout.readline(), proc.stdout.readline()]
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) in (0, 1)
    assert first[0].startswith("score")
    assert err == ""


# --------------------------------------------------------------------------- Python advice

# Python advice in a message: a module path, a call, or a keyword argument to pass.
ADVICE = re.compile(
    r"magcalc\.[a-z_]\w*"
    r"|\b[A-Za-z_][\w.]*\((?:\.\.\.|'|\w+=|\w+, |\))"
    r"|\bpass \w+="
    r"|\b\w+=(?:$|[\s),;:.<]|\.\.\.)"
    r"|\b\w+=(?:True|False|None)\b"
)

# Messages with Python advice that the command line never shows, and why.
NOT_REACHED = {
    "build it with Supplement(...)": "the CLI builds every Supplement itself",
    "(see supplement_forms())": "the 'basis' field of assess --json data, not a message",
    "make entries with magcalc.serving(...)": "the CLI adds foods by name and amount",
    "must be a pandas DataFrame": "`magcalc batch` always passes DataFrames",
    "cache_expire_after must be": "the CLI never sets the cache lifetime",
    "give exactly one of age_years= or age_months=": "argparse requires --age or --age-months",
    "person must be a magcalc Person": "the CLI always passes a Person",
    "report must be an Assessment": "the CLI always passes an Assessment",
    "diary must be a Spark DataFrame": "the CLI has no Spark route",
}


def _slot(node: ast.FormattedValue) -> str:
    """A stand-in for a value in an f-string: the variable's name ("{field}=" -> "field=")."""
    value = node.value
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Attribute):
        return value.attr
    return "x"


def library_messages() -> Iterator[tuple[str, str]]:
    """(file:line, text) of each string in the library outside the CLI: f-strings with
    their values as names; docstrings, reprs, log lines and import paths left out."""
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] in CLI_PARTS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and body
                and isinstance(body[0], ast.Expr)
            ):
                skip.add(id(body[0].value))
            if isinstance(node, ast.FunctionDef) and node.name == "__repr__":
                skip.update(id(n) for n in ast.walk(node))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if node.func.attr == "import_module" or (
                    isinstance(owner, ast.Name) and owner.id in {"logger", "logging"}
                ):
                    skip.update(id(n) for n in ast.walk(node))
            if isinstance(node, ast.JoinedStr):
                skip.update(id(n) for n in node.values)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    _slot(v) if isinstance(v, ast.FormattedValue) else str(v.value)
                    for v in node.values
                    if isinstance(v, (ast.FormattedValue, ast.Constant))
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            yield f"{path.name}:{node.lineno}", text


def test_no_library_message_reaches_the_cli_with_python_advice() -> None:
    """Each library message with Python advice is reworded by the CLI's table, or is one
    the command line never shows (NOT_REACHED). A new message fails here until one of the
    two says what the CLI does with it."""
    left = []
    for where, text in library_messages():
        if ADVICE.search(text) is None or any(key in text for key in NOT_REACHED):
            continue
        cleaned = for_cli(text)
        if ADVICE.search(cleaned):
            left.append(f"{where}: {cleaned}")
    assert not left, "\n".join(left)


def test_every_wording_row_still_matches_a_library_message() -> None:
    """A row whose Python text the library no longer has would hide a reworded message."""
    texts = [text for _, text in library_messages()]
    specific = CLI_WORDING[:-2]  # the last two take any keyword argument
    unused = [p.pattern for p, _ in specific if not any(p.search(t) for t in texts)]
    assert not unused


@pytest.mark.parametrize(
    ("argv", "cli_words"),
    [
        (["food", "zzqqxx", "1 cup"], "Browse with `magcalc search WORDS`"),
        (["food", "11458"], "give an amount after the food"),
        (["food", "spinach"], "or give the amount after the food, e.g. '100 g'"),
        (["food", "1 cup milk", "2 cups"], "the whole entry alone ('1 cup milk')"),
        (
            ["assess", "--age", "30", "--sex", "f", "--supplement", "kryptonite", "5"],
            "(see `magcalc forms`)",
        ),
        (
            ["assess", "--age", "30", "--sex", "f", "--label", "Magnesium 200 mg"],
            "--supplement FORM MG",
        ),
        (
            ["assess", "--age", "30", "--sex", "f", "--label", "Magnesium oxide 500 mg"],
            "--supplement-compound FORM MG",
        ),
        (
            ["targets", "--age-months", "3", "--sex", "f", "--framework", "EFSA2015"],
            "Try --framework with one of:",
        ),
        (
            ["targets", "--age", "30", "--sex", "m", "--pregnant"],
            "pregnant needs sex female (got male)",
        ),
        (["targets", "--age", "70", "--sex", "f", "--pregnant"], "or drop pregnant"),
    ],
)
def test_cli_messages_speak_the_command_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], cli_words: str
) -> None:
    status, _, err = run(capsys, *argv)
    assert status == 1
    assert cli_words in err
    assert ADVICE.search(err) is None, err


def test_a_diary_of_two_people_points_to_magcalc_batch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    diary = tmp_path / "two.csv"
    diary.write_text(
        "person_id,day,food,amount\n1,1,kale,1 cup\n2,1,kale,1 cup\n", encoding="utf-8"
    )
    status, _, err = run(capsys, "assess", "--age", "30", "--sex", "f", "--diary", str(diary))
    assert status == 1
    assert err.rstrip().endswith("assess several people with `magcalc batch`")


def test_the_cli_s_own_text_gives_no_python_advice(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "forms")
    assert status == 0
    assert ADVICE.search(out) is None
    assert "`magcalc forms --json`" in out


# --------------------------------------------------------------------------- batch progress


def test_batch_progress_is_tqdm_not_a_hand_written_counter() -> None:
    source = (SRC / "cli" / "batch.py").read_text(encoding="utf-8")
    assert "tqdm" in source
    assert "\\r" not in source and "\r" not in source
    assert "monotonic" not in source


@pytest.fixture
def batch_files(tmp_path: Path) -> list[str]:
    pytest.importorskip("pandas")
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "person_id,day,food,amount\n1,1,11458,1/2 cup\n1,2,almonds,30\n", encoding="utf-8"
    )
    people = tmp_path / "people.csv"
    people.write_text("person_id,age,sex\n1,34,female\n", encoding="utf-8")
    return [str(diary), str(people), "-o", str(tmp_path / "results.csv")]


def test_batch_progress_shows_when_forced(
    capsys: pytest.CaptureFixture[str], batch_files: list[str]
) -> None:
    status, out, err = run(capsys, "batch", *batch_files, "--progress")
    assert status == 0
    assert "magcalc batch (IOM1997)" in out
    assert "reading diary.csv: 100%" in err
    assert "assessing 2 diary rows for 1 people" in err


def test_batch_is_silent_off_a_terminal_and_with_quiet(
    capsys: pytest.CaptureFixture[str], batch_files: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cli_batch, "_LONG_INPUT_BYTES", 0)
    monkeypatch.setattr(_cli_batch, "_LONG_INPUT_ROWS", 0)
    status, _, err = run(capsys, "batch", *batch_files)  # stderr is no terminal here
    assert (status, err) == (0, "")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, _, err = run(capsys, "batch", *batch_files)
    assert status == 0 and "reading diary.csv" in err  # a long run on a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, _, err = run(capsys, "batch", *batch_files, "--quiet")
    assert (status, err) == (0, "")
    status, _, err = run(capsys, "batch", *batch_files, "--quiet", "--progress")
    assert status == 2 and "not allowed with" in err


# --------------------------------------------------------------------------- bare numbers


def test_a_bare_number_is_grams(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "food", "almonds", "30", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["grams"] == 30
    assert data["magnesium_mg"] == pytest.approx(81.0)  # 30 g x 270 mg/100 g (SR 12061)
    status, out, _ = run(capsys, "food", "almonds", "30")
    assert status == 0 and "= 30.0 g" in out and "81.0 mg" in out
    status, out, _ = run(
        capsys, "assess", "--age", "34", "--sex", "f", "--food", "almonds", "30", "--json"
    )
    assert status == 0
    assert json.loads(out)["food_mg"] == pytest.approx(81.0)


def test_help_says_a_bare_number_is_grams(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["food", "--help"], ["assess", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        text = " ".join(capsys.readouterr().out.split())
        assert "a bare number is grams" in text, argv


def test_the_command_lines_default_framework_is_the_librarys() -> None:
    """The CLI writes the default out (so --help loads nothing); it must not drift."""
    from magcalc.cli import _common
    from magcalc.dri import DEFAULT_FRAMEWORK

    assert _common.DEFAULT_FRAMEWORK == DEFAULT_FRAMEWORK
    assert build_parser().parse_args(["targets", "--age", "30", "--sex", "f"]).framework == (
        DEFAULT_FRAMEWORK
    )
