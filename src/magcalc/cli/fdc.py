"""The ``magcalc fdc`` commands and ``fdc:ID`` food arguments (USDA FoodData Central).

``register(subparsers)`` adds::

    magcalc fdc search QUERY... [--branded] [--page-size N] [--json] [--no-cache]
    magcalc fdc food ID [--json] [--no-cache]

Both need the network and an API key (``FDC_API_KEY``; without it DEMO_KEY, about 30
requests an hour). Errors are :class:`~magcalc.errors.MagcalcError` subclasses, which
the main CLI prints as one line; the client's warnings are printed as one line each.
:func:`resolve_food_arg` turns ``"fdc:2262072"`` into a Food for ``--food`` arguments.
"""

from __future__ import annotations

import argparse
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from magcalc.fdc import FdcClient
    from magcalc.foods import Food

__all__ = ["cmd_fdc_food", "cmd_fdc_search", "register", "resolve_food_arg"]

PREFIX = "fdc:"
_JSON_HELP = "print JSON on stdout; an error is then a JSON object on stderr"
_EXAMPLES = """\
examples:
  magcalc fdc search banana baked
  magcalc fdc food 2262072
  magcalc assess --age 50 --sex male --food fdc:2262072 "100 g"
  FDC_API_KEY=your-key magcalc fdc search lentils --json"""
_client_lock = threading.Lock()
_clients: dict[bool, FdcClient] = {}


@contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Print the FDC client's warnings (DEMO_KEY, cache, dropped ids) as one line each."""
    from magcalc.cli._common import print_warning
    from magcalc.fdc import FdcWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FdcWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, FdcWarning):
                    print_warning(w.message, w.category)
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _client(cache: bool = True) -> FdcClient:
    """One client per process (and cache setting), so DEMO_KEY is warned about once."""
    from magcalc.fdc import FdcClient

    with _client_lock:
        if cache not in _clients:
            _clients[cache] = FdcClient(cache=cache)
        return _clients[cache]


def _client_for(args: argparse.Namespace) -> FdcClient:
    factory = getattr(args, "fdc_client_factory", None)
    return factory() if factory is not None else _client(cache=not args.no_cache)


def _mg(food: Food) -> str:
    value = food.magnesium_mg_per_100g
    return "no data" if value is None else f"{value:g} mg"


def emit_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_fdc_search(args: argparse.Namespace) -> int:
    """``magcalc fdc search``: a table of FDC foods with magnesium per 100 g."""
    from magcalc.fdc import DEFAULT_DATA_TYPES

    types = (*DEFAULT_DATA_TYPES, "Branded") if args.branded else DEFAULT_DATA_TYPES
    query = " ".join(args.query)
    with _one_line_warnings():
        client = _client_for(args)
        foods = client.search(query, data_types=types, page_size=args.page_size)
    if not foods:
        from magcalc.cli._common import NoMatchError

        raise NoMatchError(
            f"FoodData Central has no {', '.join(types)} food matching {query!r}; try fewer "
            "or other words" + ("" if args.branded else ", or --branded")
        )
    if args.json:
        emit_json([f.model_dump(mode="json", exclude={"portions"}) for f in foods])
        return 0
    print(f"{'FDC id':<8} {'data type':<15} {'Mg/100 g':>9}  description")
    for f in foods:
        print(f"{f.fdc_id:<8} {f.data_type:<15} {_mg(f):>9}  {f.description}")
    print("use `magcalc fdc food ID` for portions, or `--food fdc:ID AMOUNT` in assess")
    return 0


def cmd_fdc_food(args: argparse.Namespace) -> int:
    """``magcalc fdc food``: one FDC food, its magnesium, portions and provenance."""
    from magcalc.fdc.parse import check_fdc_id

    fdc_id = check_fdc_id(_strip_prefix(args.fdc_id))  # before a client, so before its warnings
    with _one_line_warnings():
        client = _client_for(args)
        food = client.food(fdc_id)
    if args.json:
        emit_json(food.model_dump(mode="json"))
        return 0
    ids = f"FDC {food.fdc_id}" + (f", NDB {food.ndb_number}" if food.ndb_number else "")
    print(f"food:      {food.description} [{ids}]")
    print(f"type:      {food.data_type}" + (f" ({food.food_group})" if food.food_group else ""))
    if food.magnesium_mg_per_100g is None:
        print(f"magnesium: unknown, not zero ({food.magnesium_note or 'no value in FDC'})")
    else:
        note = f" ({food.magnesium_note})" if food.magnesium_note else ""
        print(f"magnesium: {food.magnesium_mg_per_100g:g} mg per 100 g{note}")
    if food.portions:
        print("portions:  " + "; ".join(p.label for p in food.portions))
    else:
        print("portions:  none (use a mass, e.g. '100 g')")
    print(f"source:    {food.source}" + (f"; {food.source_release}" if food.source_release else ""))
    return 0 if food.magnesium_mg_per_100g is not None else 1


def _strip_prefix(text: str) -> str:
    stripped = text.strip()
    return stripped[len(PREFIX) :] if stripped.lower().startswith(PREFIX) else stripped


def resolve_food_arg(text: str, *, client: FdcClient | None = None) -> Food | str:
    """
    A food argument as the CLI got it: ``"fdc:ID"`` becomes a Food from FoodData Central.

    Anything else is returned unchanged (a name, NDB number or FDC id for the bundled
    table), so this can stand in for the CLI's plain food argument.

    Parameters
    ----------
    text : str
        E.g. ``"fdc:2262072"``, ``"almonds"`` or ``"12061"``.
    client : FdcClient, optional
        Default: one shared client with the default key and cache.

    Returns
    -------
    Food or str

    Raises
    ------
    InputError
        If the id after ``fdc:`` is not a positive whole number.
    FdcError
        If FoodData Central cannot give the food (not found, key, rate limit, outage).

    References
    ----------
    .. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide

    Examples
    --------
    >>> resolve_food_arg("almonds")
    'almonds'
    """
    if not text.strip().lower().startswith(PREFIX):
        return text
    from magcalc.fdc.parse import check_fdc_id

    # Before a client is made: a bad id fails at once, not after a DEMO_KEY warning.
    fdc_id = check_fdc_id(_strip_prefix(text))
    with _one_line_warnings():
        fdc = client or _client()
        return fdc.food(fdc_id)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    client_factory: Callable[[], FdcClient] | None = None,
) -> argparse.ArgumentParser:
    """
    Add ``fdc search`` and ``fdc food`` to the main parser's subcommands.

    Parameters
    ----------
    subparsers
        What ``parser.add_subparsers(...)`` returned; its commands are called as
        ``args.func(args) -> int``.
    client_factory : callable, optional
        Makes the FdcClient to use (tests); default: one shared client from
        ``FDC_API_KEY`` with the user cache.

    Returns
    -------
    argparse.ArgumentParser
        The ``fdc`` parser.
    """
    from magcalc.cli._common import Formatter

    fdc = subparsers.add_parser(
        "fdc",
        help="look foods up in USDA FoodData Central (network; key in FDC_API_KEY)",
        description=(
            "Search USDA FoodData Central and show a food's magnesium and portions. Needs "
            "the network and an API key in FDC_API_KEY (free: "
            "https://fdc.nal.usda.gov/api-key-signup); without one DEMO_KEY is used, which "
            "allows about 30 requests an hour. Answers are cached for 30 days."
        ),
        epilog=_EXAMPLES,
        formatter_class=Formatter,
    )
    sub = fdc.add_subparsers(dest="fdc_command", required=True, metavar="SUBCOMMAND")

    p = sub.add_parser(
        "search",
        help="search Foundation, SR Legacy and Survey (FNDDS) foods",
        description="Foundation, SR Legacy and Survey (FNDDS) foods; --branded adds Branded.",
        epilog=(
            "examples:\n  magcalc fdc search banana baked\n"
            "  magcalc fdc search cheddar --branded --json"
        ),
        formatter_class=Formatter,
    )
    p.add_argument("query", nargs="+", help="words to search for, e.g. banana baked")
    p.add_argument(
        "--branded",
        action="store_true",
        help="also search Branded foods (they rarely have magnesium)",
    )
    p.add_argument(
        "--page-size", type=int, default=25, metavar="N", help="results, 1-200 (default: 25)"
    )
    p.add_argument("--json", action="store_true", help=_JSON_HELP)
    p.add_argument("--no-cache", action="store_true", help="do not use the HTTP cache")
    p.set_defaults(func=cmd_fdc_search, fdc_client_factory=client_factory)

    p = sub.add_parser(
        "food",
        help="one food by FDC id: magnesium, portions, source",
        description="One FoodData Central food: its magnesium per 100 g, portions and source.",
        epilog="examples:\n  magcalc fdc food 2262072\n  magcalc fdc food fdc:2262072 --json",
        formatter_class=Formatter,
    )
    p.add_argument("fdc_id", metavar="ID", help="FDC id, e.g. 2262072 (or fdc:2262072)")
    p.add_argument("--json", action="store_true", help=_JSON_HELP)
    p.add_argument("--no-cache", action="store_true", help="do not use the HTTP cache")
    p.set_defaults(func=cmd_fdc_food, fdc_client_factory=client_factory)
    return fdc
