"""The ``magcalc`` command line (also ``python -m magcalc``).

Readable tables by default, ``--json`` for machines. Errors print one line to stderr and
exit with status 1 (2 for usage errors), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from magcalc import __version__
from magcalc.errors import MagcalcError, PlausibilityWarning

__all__ = ["main"]


def _emit(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _person(args: argparse.Namespace) -> Any:
    from magcalc.people import Person

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


def _add_person_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("person")
    g.add_argument("--age", type=float, help="age [years]")
    g.add_argument("--age-months", type=float, help="age [months], for infants")
    g.add_argument("--sex", required=True, help="female or male")
    g.add_argument("--pregnant", action="store_true")
    g.add_argument("--lactating", action="store_true")
    g.add_argument(
        "--condition",
        action="append",
        help="a risk factor for low magnesium (ppi, diuretic, type 2 diabetes, ...); repeatable",
    )
    p.add_argument("--framework", default="IOM1997", help="reference framework (default IOM1997)")


# --------------------------------------------------------------------------- commands


def cmd_search(args: argparse.Namespace) -> int:
    from magcalc.foods import search_foods

    hits = search_foods(args.query, limit=args.limit)
    if args.json:
        _emit([h.model_dump(mode="json", exclude={"food": {"portions"}}) for h in hits])
        return 0
    if not hits:
        print(f"no foods match {args.query!r}")
        return 1
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
        _emit(s.model_dump(mode="json"))
        return 0
    print(f"food:      {s.food.description} [{s.food.ids}]")
    print(f"amount:    {s.amount} = {s.grams:.1f} g ({s.basis})")
    if s.match is not None and s.match.quality == "weak":
        others = "; ".join(a.food.description for a in s.match.alternatives)
        print(f"match:     weak; also close: {others}")
    for note in s.notes:
        print(f"note:      {note}")
    if s.magnesium_mg is None:
        print("magnesium: no USDA value (unknown, not zero)")
        return 1
    print(f"magnesium: {s.magnesium_mg:.1f} mg")
    return 0


def _food_arg(text: str) -> Any:
    """A food argument: "fdc:ID" fetches from FoodData Central, anything else is kept."""
    from magcalc._cli_fdc import resolve_food_arg

    return resolve_food_arg(text)


def cmd_forms(args: argparse.Namespace) -> int:
    from magcalc.supplements import supplement_forms

    forms = supplement_forms()
    if args.json:
        _emit([f.model_dump(mode="json") for f in forms])
        return 0
    print(f"{'form':<22}{'formula':<22}{'Mg %':>7}{'Mg per 500 mg':>15}  absorption vs food")
    for f in forms:
        a = f.absorption
        print(
            f"{f.name:<22}{f.formula:<22}{f.elemental_percent:7.2f}"
            f"{500 * f.elemental_fraction:12.0f} mg"
            f"  {a.low:.2f}-{a.high:.2f} (central {a.central:.2f})" + ("" if a.verified else " *")
        )
    print("* rests partly on unverified or indirect evidence; see supplement_forms()[i].absorption")
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    from magcalc.references import reference_values

    refs = reference_values(_person(args), framework=args.framework)
    if args.json:
        _emit(refs.model_dump(mode="json"))
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
    from magcalc.assessment import Intake, assess
    from magcalc.supplements import Supplement

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
    report = assess(intake, _person(args), framework=args.framework, sd_within_mg=args.sd_within)
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
        _emit(result.model_dump(mode="json"))
    else:
        print(result)
    return 0


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise MagcalcError(f"{text!r} is not a number of mg") from None


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="magcalc",
        description="Magnesium from foods and supplements against reference values.",
    )
    parser.add_argument("--version", action="version", version=f"magcalc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from magcalc._cli_fdc import register as register_fdc

    register_fdc(sub)
    from magcalc._cli_batch import register as register_batch

    register_batch(sub)

    p = sub.add_parser("search", help="search the bundled USDA food table")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("food", help="magnesium in an amount of a food, or in a whole entry")
    p.add_argument(
        "food",
        help="name, NDB number, FDC id, FNDDS food code, fdc:ID for FoodData Central, or a "
        "whole entry such as '1/2 avocado, cubed' (then give no amount)",
    )
    p.add_argument("amount", nargs="*", help="e.g. 1/2 cup, 100 g, 1 medium")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_food)

    p = sub.add_parser("forms", help="supplement forms: elemental magnesium and absorption")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("targets", help="reference values for a person")
    _add_person_arguments(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser(
        "assess",
        help="assess a day or diary of foods and supplements",
        description="Foods given with --food count on day 1; supplements count on every day.",
    )
    _add_person_arguments(p)
    p.add_argument(
        "--diary",
        help="CSV or JSON diary: columns day, food, amount [, unit], supplement, elemental_mg, "
        "compound_mg, servings_per_day (the format of `magcalc batch`, one person)",
    )
    p.add_argument("--food", nargs=2, action="append", metavar=("FOOD", "AMOUNT"))
    p.add_argument(
        "--supplement", nargs=2, action="append", metavar=("FORM", "ELEMENTAL_MG"),
        help="a supplement by form and elemental magnesium per day",
    )  # fmt: skip
    p.add_argument(
        "--supplement-compound", nargs=2, action="append", metavar=("FORM", "COMPOUND_MG"),
        help="a supplement by form and compound mass per day",
    )  # fmt: skip
    p.add_argument(
        "--label", action="append", help="a Supplement Facts line, e.g. 'Magnesium (as ...) 200 mg'"
    )
    p.add_argument("--sd-within", type=float, help="within-person SD [mg/day] (IOM 2000)")
    p.add_argument(
        "--suggest", action="store_true", help="also suggest foods and a supplement within the UL"
    )
    p.add_argument("--exclude", action="append", help="with --suggest: a diet, food group or word")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("suggest", help="foods in real portions that add GAP mg of magnesium")
    p.add_argument("gap", help="magnesium to add [mg/day]")
    p.add_argument("--prefer", action="append", help="a food group or word to rank first")
    p.add_argument(
        "--exclude", action="append", help="a diet (vegan, nut allergy, ...), group or word"
    )
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)

    def one_line(message: Any, *_: Any, **__: Any) -> None:
        print(f"magcalc: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", PlausibilityWarning)
            warnings.showwarning = one_line
            status: int = args.func(args)
    except MagcalcError as err:
        print(f"magcalc: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(
            f"magcalc: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
