"""The ``magcalc`` parser and its subcommands (search, food, forms, targets, assess, suggest).

Readable tables by default, ``--json`` for machines. An error prints one line to stderr
(a JSON object with ``--json``) and exits with status 1; a usage error is argparse's and
exits with 2; never a traceback, and no "Broken pipe" under ``| head``. Library messages
that give Python advice ("use magcalc.search_foods(...)") are reworded for the command
line by one table, :data:`CLI_WORDING`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from magcalc import __version__
from magcalc.cli._common import (
    JSON_MESSAGES,
    NoMatchError,
    Parser,
    UsageError,
    add_json_argument,
    add_person_arguments,
    emit_json,
    for_cli,
    person_from_args,
    print_message,
    show_warning,
)
from magcalc.errors import MagcalcError, PlausibilityWarning

__all__ = ["build_parser", "main"]


# --------------------------------------------------------------------------- commands


def cmd_search(args: argparse.Namespace) -> int:
    from magcalc.foods import search_foods

    hits = search_foods(args.query, limit=args.limit)
    if not hits:
        raise NoMatchError(
            f"no foods match {args.query!r}; try fewer or other words (or "
            "`magcalc fdc search WORDS` to ask FoodData Central)"
        )
    if args.json:
        emit_json([h.model_dump(mode="json", exclude={"food": {"portions"}}) for h in hits])
        return 0
    print(f"{'score':>5}  {'source':<9} {'id':<14} {'Mg/100 g':>9}  description")
    for h in hits:
        f = h.food
        value = "no data" if f.magnesium_mg_per_100g is None else f"{f.magnesium_mg_per_100g:g} mg"
        print(f"{h.score:5.1f}  {f.source_name:<9} {f.key:<14} {value:>9}  {f.description}")
    return 0


def cmd_food(args: argparse.Namespace) -> int:
    from magcalc.foods import serving

    # With no amount the argument is a whole entry: "½ avocado, cubed".
    food = _food_arg(args.food) if args.amount else args.food
    s = serving(food, " ".join(args.amount) if args.amount else None)
    if args.json:
        emit_json(s.model_dump(mode="json"))
        return 0
    print(f"food:      {s.food.description} [{s.food.ids}]")
    print(f"amount:    {s.amount} = {s.grams:.1f} g ({s.basis})")
    if s.match is not None and s.match.quality == "weak":
        others = "; ".join(a.food.description for a in s.match.alternatives)
        print(f"match:     weak; also close: {others}")
    for note in s.notes:
        print(f"note:      {for_cli(note)}")
    if s.magnesium_mg is None:
        print("magnesium: no USDA value (unknown, not zero)")
        return 1
    print(f"magnesium: {s.magnesium_mg:.1f} mg")
    return 0


def _food_arg(text: str) -> Any:
    """A food argument: "fdc:ID" fetches from FoodData Central, anything else is kept."""
    from magcalc.cli.fdc import resolve_food_arg

    return resolve_food_arg(text)


def cmd_forms(args: argparse.Namespace) -> int:
    from magcalc.supplements import supplement_forms

    forms = supplement_forms()
    if args.json:
        emit_json([f.model_dump(mode="json") for f in forms])
        return 0
    print(f"{'form':<22}{'formula':<22}{'Mg %':>7}{'Mg per 500 mg':>15}  absorption vs food")
    for f in forms:
        a = f.absorption
        print(
            f"{f.name:<22}{f.formula:<22}{f.elemental_percent:7.2f}"
            f"{500 * f.elemental_fraction:12.0f} mg"
            f"  {a.low:.2f}-{a.high:.2f} (central {a.central:.2f})" + ("" if a.verified else " *")
        )
    print(
        "* rests partly on unverified or indirect evidence; `magcalc forms --json` has the studies"
    )
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    from magcalc.dri import reference_values

    refs = reference_values(person_from_args(args), framework=args.framework)
    if args.json:
        emit_json(refs.model_dump(mode="json"))
        return 0

    def v(x: float | None) -> str:
        return "-" if x is None else f"{x:g} mg/day"

    print(f"{refs.framework}: {refs.life_stage}")
    print(f"  EAR                     {v(refs.ear_mg)}")
    print(f"  {refs.target_kind or 'target':<24}{v(refs.target_mg)}")
    print(f"  UL (supplemental only)  {v(refs.ul_supplemental_mg)}")
    if not refs.verified:
        print("  (unverified: " + refs.note + ")")
    print(f"  source: {refs.source}")
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    from magcalc.assessment import assess
    from magcalc.intake import Intake
    from magcalc.supplements import Supplement

    if args.exclude and not args.suggest:
        raise UsageError(
            args.usage_parser, "--exclude needs --suggest (it narrows the suggestions)"
        )
    intake = Intake.read(args.diary) if args.diary else Intake()
    for food, amount in args.food or []:
        intake.add_food(_food_arg(food), amount, day=1)
    for form, value in args.supplement or []:
        intake.add_supplement(Supplement(form=form, elemental_mg=_float(value)), day=None)
    for form, value in args.supplement_compound or []:
        intake.add_supplement(Supplement(form=form, compound_mg=_float(value)), day=None)
    for line in args.label or []:
        intake.add_supplement(line, day=None)
    if not len(intake):
        raise MagcalcError(
            "nothing to assess: give --diary FILE, --food FOOD AMOUNT or --supplement"
        )
    report = assess(
        intake, person_from_args(args), framework=args.framework, sd_within_mg=args.sd_within
    )
    if args.json:
        data = report.to_dict()
        data["summary"] = report.summary()
        if args.suggest:
            data["suggestions"] = report.suggestions(exclude=args.exclude).model_dump(mode="json")
            data["supplement_advice"] = report.supplement_advice().model_dump(mode="json")
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(report)
    for factor in report.risk_factors:
        print(f"  note: {factor.name}: {factor.note} [{factor.citation}]")
    print()
    print(_wrap(report.summary()))
    if args.suggest:
        print()
        print(report.suggestions(exclude=args.exclude))
        print()
        print(report.supplement_advice())
    return 0


def _wrap(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=100)


def cmd_suggest(args: argparse.Namespace) -> int:
    from magcalc.suggestions import suggest_foods

    result = suggest_foods(
        _float(args.gap), prefer=args.prefer, exclude=args.exclude, limit=args.limit
    )
    if args.json:
        emit_json(result.model_dump(mode="json"))
    else:
        print(result)
    return 0


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise MagcalcError(f"{text!r} is not a number of mg") from None


# --------------------------------------------------------------------------- parser

_AMOUNTS = """\
amounts:
  a bare number is grams ('30' is 30 g); otherwise a mass (100 g, 1 oz), a volume
  (1/2 cup, 2 tbsp), a count (2 eggs) or one of the food's USDA portions (1 medium)"""

_EPILOG = f"""\
examples:
  magcalc food almonds 30                  magnesium in 30 g of almonds
  magcalc food "spinach boiled" 1/2 cup
  magcalc food "½ avocado, cubed"          a whole entry, amount included
  magcalc search "kale boiled"
  magcalc assess --age 34 --sex female --food almonds "1 oz" --supplement citrate 200
  magcalc assess --age 34 --sex female --diary diary.csv --json
  magcalc targets --age 34 --sex female --framework EFSA2015
  magcalc suggest 150 --exclude vegan
  magcalc COMMAND --help                   options and examples of one command

{_AMOUNTS}

exit status:
  0    success
  1    error: an unknown food or form, a bad amount, no match, no magnesium value,
       FoodData Central unavailable; one line on stderr ("magcalc: error: ..."), or
       with --json a JSON object {{"error": "<ErrorClass>", "message": "..."}}
  2    usage error: an unknown option, a missing or invalid argument (argparse)
  130  interrupted (Ctrl-C)"""


def _examples(*lines: str, extra: str = "") -> str:
    text = "examples:\n" + "\n".join("  " + line for line in lines)
    return text + ("\n\n" + extra if extra else "")


def build_parser() -> argparse.ArgumentParser:
    """The ``magcalc`` argument parser, every command registered."""
    # Its subparsers are _Parsers too (argparse makes them of the parent's class).
    parser: argparse.ArgumentParser = Parser(
        prog="magcalc",
        description="Magnesium from foods and supplements against reference values.",
        epilog=_EPILOG,
    )
    parser.add_argument(
        "-V", "--version", action="version", version=f"magcalc {__version__}",
        help="print the version and exit",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")

    # Everyday commands first: `magcalc --help` lists them in this order.
    p = sub.add_parser(
        "food",
        help="magnesium in an amount of a food, or in a whole entry",
        description="Magnesium in an amount of one food from the bundled USDA table.",
        epilog=_examples(
            "magcalc food almonds 30                 30 g (a bare number is grams)",
            'magcalc food "spinach boiled" 1/2 cup',
            'magcalc food 11458 "1 cup" --json',
            'magcalc food "½ avocado, cubed"         a whole entry, no amount',
            'magcalc food fdc:2262072 "100 g"        from FoodData Central (network)',
            extra=_AMOUNTS,
        ),
    )
    p.add_argument(
        "food",
        help="name, NDB number, FDC id, FNDDS food code, fdc:ID for FoodData Central, or a "
        "whole entry such as '1/2 avocado, cubed' (then give no amount)",
    )
    p.add_argument(
        "amount",
        nargs="*",
        help="a bare number is grams (30 = 30 g); or e.g. 1/2 cup, 100 g, 1 oz, 1 medium",
    )
    add_json_argument(p)
    p.set_defaults(func=cmd_food)

    p = sub.add_parser(
        "search",
        help="search the bundled USDA food table",
        description="Foods of the bundled USDA table that best match some words.",
        epilog=_examples('magcalc search "kale boiled"', "magcalc search lentils --limit 3 --json"),
    )
    p.add_argument("query", help="words to look for, e.g. 'kale boiled'")
    p.add_argument("--limit", type=int, default=10, help="most foods to list (default: 10)")
    add_json_argument(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "assess",
        help="assess a day or diary of foods and supplements",
        description="Compare the magnesium of foods and supplements with a person's "
        "reference values. Foods given with --food count on day 1; supplements count on "
        "every day.",
        epilog=_examples(
            'magcalc assess --age 34 --sex female --food almonds "1 oz" --supplement citrate 200',
            "magcalc assess --age 34 --sex female --diary diary.csv --json",
            'magcalc assess --age 74 --sex f --condition ppi --food "spinach boiled" "1/2 cup" \\',
            "    --suggest --exclude vegan",
            extra=_AMOUNTS,
        ),
    )
    add_person_arguments(p)
    g = p.add_argument_group("what was eaten and taken")
    g.add_argument(
        "--diary",
        metavar="FILE",
        help="CSV or JSON diary: columns day, food, amount [, unit], supplement, elemental_mg, "
        "compound_mg, servings_per_day (the format of `magcalc batch`, one person)",
    )
    g.add_argument(
        "--food", nargs=2, action="append", metavar=("FOOD", "AMOUNT"),
        help="a food and its amount on day 1 (a bare number is grams); repeatable",
    )  # fmt: skip
    g.add_argument(
        "--supplement", nargs=2, action="append", metavar=("FORM", "ELEMENTAL_MG"),
        help="a supplement by form and elemental magnesium per day [mg]; repeatable",
    )  # fmt: skip
    g.add_argument(
        "--supplement-compound", nargs=2, action="append", metavar=("FORM", "COMPOUND_MG"),
        help="a supplement by form and mass of the compound per day [mg]; repeatable",
    )  # fmt: skip
    g.add_argument(
        "--label",
        action="append",
        metavar="TEXT",
        help="a Supplement Facts line, e.g. 'Magnesium (as magnesium citrate) 200 mg'; repeatable",
    )
    p.add_argument(
        "--sd-within", type=float, metavar="MG",
        help="within-person SD of daily intake [mg/day] (default: IOM 2000's)",
    )  # fmt: skip
    p.add_argument(
        "--suggest", action="store_true", help="also suggest foods and a supplement within the UL"
    )
    p.add_argument(
        "--exclude",
        action="append",
        metavar="WHAT",
        help="with --suggest: a diet (vegan, nut allergy, ...), food group or word to leave "
        "out; repeatable",
    )
    add_json_argument(p)
    p.set_defaults(func=cmd_assess, usage_parser=p)

    p = sub.add_parser(
        "targets",
        help="reference values for a person",
        description="EAR, RDA or AI, and the UL for supplemental magnesium of one person.",
        epilog=_examples(
            "magcalc targets --age 34 --sex female",
            "magcalc targets --age-months 9 --sex male --framework EFSA2015 --json",
        ),
    )
    add_person_arguments(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser(
        "suggest",
        help="foods in real portions that add GAP mg of magnesium",
        description="Foods, in portions people eat, that together add about GAP mg a day.",
        epilog=_examples(
            "magcalc suggest 150", 'magcalc suggest 100 --exclude "nut allergy" --limit 5'
        ),
    )
    p.add_argument("gap", help="magnesium to add [mg/day]")
    p.add_argument(
        "--prefer", action="append", metavar="WHAT",
        help="a food group or word to rank first; repeatable",
    )  # fmt: skip
    p.add_argument(
        "--exclude", action="append", metavar="WHAT",
        help="a diet (vegan, nut allergy, ...), food group or word to leave out; repeatable",
    )  # fmt: skip
    p.add_argument("--limit", type=int, default=10, help="most foods to list (default: 10)")
    add_json_argument(p)
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser(
        "forms",
        help="supplement forms: elemental magnesium and absorption",
        description="Each supplement form: its formula, share of magnesium and absorption.",
        epilog=_examples("magcalc forms", "magcalc forms --json"),
    )
    add_json_argument(p)
    p.set_defaults(func=cmd_forms)

    from magcalc.cli.batch import register as register_batch

    register_batch(sub)
    from magcalc.cli.fdc import register as register_fdc

    register_fdc(sub)
    return parser


# --------------------------------------------------------------------------- main


def _silence_stdout() -> None:
    """The reader of stdout went away (``magcalc ... | head``): point stdout at devnull so
    that Python's flush at exit does not report the broken pipe (the Python docs' advice,
    signal module, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # stdout is no file (tests, embedding)
        pass


def _usage_error(err: UsageError) -> int:
    if JSON_MESSAGES.get():
        data = {"error": "UsageError", "message": err.message, "usage": err.parser.format_usage()}
        print(json.dumps(data, ensure_ascii=False), file=sys.stderr)
    else:
        err.parser.print_usage(sys.stderr)
        print(f"{err.parser.prog}: error: {err.message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``magcalc``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 success, 1 an error (one line on stderr), 2 a usage error,
        130 interrupted. ``--help`` and ``--version`` exit through ``SystemExit(0)``.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    token = JSON_MESSAGES.set("--json" in args_list)
    try:
        return _run(args_list)
    finally:
        JSON_MESSAGES.reset(token)


def _run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit:  # --help or --version, printed
            sys.stdout.flush()
            raise
        with warnings.catch_warnings():
            warnings.simplefilter("always", PlausibilityWarning)
            warnings.showwarning = show_warning
            status: int = args.func(args)
        sys.stdout.flush()  # here, so a closed pipe is caught below and not at exit
        return status
    except UsageError as err:
        return _usage_error(err)
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except MagcalcError as err:
        print_message("error", type(err).__name__, str(err))
        return 1
    except OSError as err:
        text = f"{err.strerror or err}: {err.filename or ''}".rstrip(": ")
        print_message("error", type(err).__name__, text)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
