"""What every ``magcalc`` subcommand shares: message wording, warnings, argparse pieces.

Library messages are written for Python callers; :data:`CLI_WORDING` rewords the
Python advice in them for the command line, in one table.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, NoReturn, TextIO

from magcalc.errors import MagcalcError

__all__ = [
    "CLI_WORDING",
    "DEFAULT_FRAMEWORK",
    "FRAMEWORKS",
    "JSON_MESSAGES",
    "SEXES",
    "Choices",
    "Formatter",
    "NoMatchError",
    "Parser",
    "Replacement",
    "UsageError",
    "add_framework_argument",
    "add_json_argument",
    "add_person_arguments",
    "choice",
    "emit_json",
    "for_cli",
    "frameworks",
    "person_from_args",
    "print_message",
    "print_warning",
    "sexes",
    "show_warning",
]


class NoMatchError(MagcalcError, LookupError):
    """A search found nothing; the command exits with status 1."""


# --------------------------------------------------------------------------- messages

Replacement = str | Callable[[re.Match[str]], str]

# Library messages are written for Python callers. Each row turns one piece of Python
# advice into what a user of the command line types instead; the two generic rows at
# the end turn any other keyword argument ("drop pregnant=") into the bare name. A
# library message reworded, or a new one with Python advice, fails a test in
# tests/cli/test_manners.py, which checks every library message against this table.
CLI_WORDING: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # foods
        (
            r"Use magcalc\.search_foods\(\.\.\.\) to browse, or pass ",
            "Browse with `magcalc search WORDS`, or give ",
        ),
        (r"\(magcalc\.search_foods\)", "(see `magcalc search WORDS`)"),
        (
            r"amount must be text \('1/2 cup'\), a pint Quantity or grams as a number; or "
            r"give a whole entry as text such as serving\('1 cup milk'\)",
            "give an amount after the food ('1/2 cup', '100 g', or a bare number of grams), "
            "or a whole entry such as '1 cup milk' alone",
        ),
        (
            r"or pass the amount: serving\(food, '100 g'\)",
            "or give the amount after the food, e.g. '100 g'",
        ),
        (
            r"give one: serving\('1 cup milk'\) or serving\('milk', '1 cup'\)",
            "give one: the whole entry alone ('1 cup milk') or the food and its amount "
            "('milk' '1 cup')",
        ),
        (r"pass source=\S+ or the id", "give the id"),
        # supplements
        (r" \(see magcalc\.supplement_forms\(\)\)", " (see `magcalc forms`)"),
        (
            r"pass Supplement\(form=\.\.\., elemental_mg=\.\.\.\)",
            "name it, e.g. 'Magnesium (as magnesium citrate) 200 mg', or give the form and "
            "the elemental magnesium apart (--supplement FORM MG)",
        ),
        (
            r"use Supplement\(form=\.\.\., compound_mg=\.\.\.\) or, if the label's Supplement "
            r"Facts say so, elemental_mg=",
            "give the compound's mass (--supplement-compound FORM MG, or compound_mg in a "
            "diary) or, if the label's Supplement Facts say so, the elemental magnesium "
            "(--supplement FORM MG, or elemental_mg)",
        ),
        (
            r"a second form is its own Supplement, several servings a day are "
            r"servings_per_day=",
            "a second form goes on a line of its own; for several servings a day give the "
            "daily dose, or servings_per_day in a diary",
        ),
        # reference values, diaries, people
        (r"Try framework= one of:", "Try --framework with one of:"),
        (r"with magcalc\.batch\.assess_frame or `magcalc batch`", "with `magcalc batch`"),
        (r" \(e\.g\. pandas\.read_csv\(\.\.\., dtype=\{'person_id': str\}\)\)", ""),
        (r"\(got sex='?(\w+)'?\)", r"(got \1)"),
        (r"\bsex='(\w+)'", r"sex \1"),
        # FoodData Central: what the command line offers instead of FdcClient arguments
        (r"Pass api_key=\.\.\. or set the FDC_API_KEY", "Set the FDC_API_KEY"),
        (
            r"\(api_key= or the FDC_API_KEY environment variable\)",
            "(the FDC_API_KEY environment variable)",
        ),
        (
            r"\b([Pp])ass cache=<a writable folder> or cache=False",
            lambda m: ("R" if m[1] == "P" else "r") + "un `magcalc fdc` with --no-cache",
        ),
        (r",? or pass a longer (?:deadline= \(seconds\) to FdcClient|timeout=)", ""),
        (r" \(deadline=\)", ""),
        (r"; if you expect answers this large, pass a larger max_response_bytes= to FdcClient", ""),
        (
            r"find foods with FdcClient\.search\(\.\.\.\)",
            "find foods with `magcalc fdc search WORDS`",
        ),
        # any other keyword argument: "pregnant=True" and "drop pregnant=" name the field
        (r"\b(\w+)=True\b", r"\1"),
        (r"\b(\w+)=(?=$|[\s),;:.])", r"\1"),
    )
)


def for_cli(text: str) -> str:
    """A library message in the command line's terms (see :data:`CLI_WORDING`)."""
    for pattern, replacement in CLI_WORDING:
        text = pattern.sub(replacement, text)
    return text


# Whether this run reports errors and warnings as JSON (set by main from --json).
JSON_MESSAGES: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "magcalc_json_messages", default=False
)


def print_message(kind: str, name: str, message: str) -> None:
    """One line on stderr: ``magcalc: error: ...``, or a JSON object with --json."""
    text = for_cli(message)
    if JSON_MESSAGES.get():
        print(json.dumps({kind: name, "message": text}, ensure_ascii=False), file=sys.stderr)
    else:
        print(f"magcalc: {kind}: {text}", file=sys.stderr)


def print_warning(message: Warning | str, category: type[Warning]) -> None:
    """A warning as one line on stderr (a JSON object with --json)."""
    print_message("warning", category.__name__, str(message))


def show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print_warning(message, category)


def emit_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# --------------------------------------------------------------------------- arguments


class Choices(Collection[str]):
    """Names the library defines, read when argparse first needs them, so plain
    ``magcalc --help`` does not load the reference tables."""

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._names: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._names is None:
            self._names = tuple(self._load())
        return self._names

    def __contains__(self, value: object) -> bool:
        return value in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def frameworks() -> list[str]:
    from magcalc.dri import frameworks

    return frameworks()


def sexes() -> tuple[str, ...]:
    from typing import get_args

    from magcalc.dri import Sex

    return tuple(str(s) for s in get_args(Sex))


FRAMEWORKS = Choices(frameworks)
SEXES = Choices(sexes)


def choice(choices: Choices, *, initials: bool = False) -> Callable[[str], str]:
    """An argparse ``type`` that spells a choice as the library does ("efsa2015" is
    EFSA2015; with `initials`, "f" is female); anything else is left for argparse to
    refuse with the list of choices."""

    def spelled(text: str) -> str:
        key = text.strip().lower()
        for name in choices:
            if key == name.lower() or (initials and len(key) == 1 and key == name[0].lower()):
                return name
        return text

    return spelled


# magcalc.dri.DEFAULT_FRAMEWORK, written out because importing it would load pydantic
# for a plain --help; a test checks that the two agree.
DEFAULT_FRAMEWORK = "IOM1997"


def add_framework_argument(p: argparse.ArgumentParser) -> None:
    """``--framework NAME``: the choices come from :func:`magcalc.frameworks`."""
    p.add_argument(
        "--framework",
        default=DEFAULT_FRAMEWORK,
        type=choice(FRAMEWORKS),
        choices=FRAMEWORKS,
        metavar="NAME",
        help="reference values to compare with: %(choices)s (default: %(default)s)",
    )


def add_json_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--json",
        action="store_true",
        help="print JSON on stdout; an error is then a JSON object on stderr",
    )


def add_person_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("person")
    age = g.add_mutually_exclusive_group(required=True)
    age.add_argument("--age", type=float, metavar="YEARS", help="age [years]")
    age.add_argument("--age-months", type=float, metavar="MONTHS", help="age [months], for infants")
    g.add_argument(
        "--sex",
        required=True,
        type=choice(SEXES, initials=True),
        choices=SEXES,
        metavar="SEX",
        help="%(choices)s (or f, m)",
    )
    state = g.add_mutually_exclusive_group()
    state.add_argument("--pregnant", action="store_true", help="pregnant (ages 10 to under 60)")
    state.add_argument("--lactating", action="store_true", help="breastfeeding")
    g.add_argument(
        "--condition",
        action="append",
        metavar="CONDITION",
        help="a risk factor for low magnesium (ppi, diuretic, type 2 diabetes, alcohol use "
        "disorder, ...); repeatable",
    )
    add_framework_argument(p)


def person_from_args(args: argparse.Namespace) -> Any:
    from magcalc.dri import Person

    kwargs: dict[str, Any] = {
        "sex": args.sex,
        "pregnant": args.pregnant,
        "lactating": args.lactating,
        "conditions": tuple(args.condition or ()),
    }
    if args.age_months is not None:
        kwargs["age_months"] = args.age_months
    if args.age is not None:
        kwargs["age_years"] = args.age
    return Person(**kwargs)


class UsageError(Exception):
    """A usage error found by a parser (or by a command, for options that need each other)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser, self.message = parser, message


class Formatter(argparse.RawDescriptionHelpFormatter):
    """A one-paragraph description wraps to the terminal; text of several lines (the
    examples and exit statuses of an epilog) keeps its lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return super()._fill_text(text, width, indent)
        return argparse.HelpFormatter._fill_text(self, text, width, indent)


class Parser(argparse.ArgumentParser):
    """argparse's parser, with its usage errors handed to :func:`main` instead of exiting,
    so that ``--json`` can report them as JSON too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)
