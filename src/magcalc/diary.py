"""The diary format: the columns of a food and supplement diary, and how each cell is read.

One format for a single person's diary (:meth:`magcalc.Intake.read`,
:meth:`~magcalc.Intake.from_records`, ``magcalc assess --diary``) and for many people's
(:mod:`magcalc.batch`, ``magcalc batch``): the same columns, read by the same functions
here, so the same file gives the same numbers both ways. A cell that cannot be read
exactly (a list, an int too long to be exact as a float, a digit that is not 0-9) is an
error naming the column, never a guess.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from magcalc._util import EVERY_DAY_WORDS, shown
from magcalc.errors import AmountError, DiaryError, InputError, MagcalcError
from magcalc.supplements import Supplement, parse_label
from magcalc.units import odd_digit_message, parse_amount, plain_number

__all__ = [
    "ALL_DAYS",
    "BARE_DOSE_COLUMNS",
    "DIARY_COLUMNS",
    "EXACT_LIMIT",
    "FOOD_ONLY_COLUMNS",
    "MAX_CELL_CHARS",
    "SUPPLEMENT_ONLY_COLUMNS",
    "Day",
    "cell_problem",
    "day_of",
    "diary_amount",
    "diary_columns",
    "diary_food",
    "diary_number",
    "diary_path",
    "diary_supplement",
    "food_amount",
    "is_blank",
    "is_hashable",
    "person_key",
    "read_csv_header",
    "read_csv_table",
    "unreadable_message",
]

Day = int | str
"""A day label: a whole number or text such as "2026-11-25"."""


# One format for a single person's diary (Intake.read, from_records, `magcalc assess
# --diary`) and for many people's (magcalc.batch, `magcalc batch`): the same columns,
# read by the same functions below, so the same file gives the same numbers both ways.
DIARY_COLUMNS: dict[str, str] = {
    "person_id": "whose row it is; a single diary may have one person only",
    "day": "a whole number (1, 1.0 and '1' are the same day) or a label such as "
    "'2026-11-25'; empty or 'all' on a supplement row means every recorded day",
    "food": "an FDC id, NDB number or food name",
    "amount": "'1/2 cup', '3.5 oz', '1 medium', or a number: grams, or with 'unit' a count",
    "unit": "the unit of a numeric 'amount' ('cup', 'g', 'medium')",
    "grams": "the food's weight [g], instead of 'amount'",
    "supplement": "a supplement form ('citrate') or a Supplement Facts line",
    "form": "another name for the 'supplement' column",
    "elemental_mg": "elemental magnesium per serving [mg]",
    "compound_mg": "mass of the compound per serving [mg]",
    "servings_per_day": "servings of the supplement a day (default 1)",
}
"""The columns a diary may have, and what each holds (names are case-insensitive)."""

# Read only to refuse them on the row: a bare "mg" is ambiguous (elemental or compound).
BARE_DOSE_COLUMNS = ("mg", "dose", "dose_mg", "amount_mg")
FOOD_ONLY_COLUMNS = ("amount", "unit", "grams")
SUPPLEMENT_ONLY_COLUMNS = ("elemental_mg", "compound_mg", "servings_per_day", *BARE_DOSE_COLUMNS)
ALL_DAYS = EVERY_DAY_WORDS

MAX_CELL_CHARS = 300
"""Longest diary cell magcalc reads [characters]: no food name, amount or label is
longer, and a longer cell (a pasted paragraph, a 1 MB blob) would cost seconds to
compare with the food table. Such a cell is an error saying so."""

_MAX_INT_DIGITS = 4000  # Python refuses to write (str, repr) an int of over 4,300 digits

EXACT_LIMIT = 2**53
"""Day numbers and float person ids must be below this: from 2**53 on, a float cannot
tell neighbouring whole numbers apart (2**53 + 1 is stored as 2**53)."""


def is_blank(value: Any) -> bool:
    """An empty cell: None, NaN, pandas' NA or NaT, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return type(value).__name__ in ("NAType", "NaTType")  # pandas' missing values


def cell_problem(value: Any) -> str | None:
    """
    Why a diary cell is too big to read, or None: text over :data:`MAX_CELL_CHARS`
    characters, or a whole number too long for Python to write as text.

    Examples
    --------
    >>> cell_problem("almonds") is None
    True
    >>> cell_problem("x" * 1000)
    'has 1,000 characters; magcalc reads at most 300 in a diary cell: shorten it'
    """
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            return (
                f"has {len(value):,} characters; magcalc reads at most {MAX_CELL_CHARS} in a "
                "diary cell: shorten it"
            )
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        digits = int(abs(value).bit_length() * 0.30103) + 1
        if digits > _MAX_INT_DIGITS:
            return (
                f"is a number of about {digits:,} digits, too long to read (Python writes "
                "at most 4,300); no id, day or amount is that long"
            )
    return None


def diary_columns(
    labels: Iterable[Any], *, where: str = "the diary", extra: Iterable[str] = ()
) -> tuple[dict[str, Any], list[Any]]:
    """
    Check a diary's column names: the known ones by name, and those with no name.

    Parameters
    ----------
    labels : iterable
        The header (CSV), the keys of a row, or a DataFrame's columns.
    where : str, default 'the diary'
        How messages name the diary (a file name, "row 3").
    extra : iterable of str
        Further column names to accept (magcalc.batch's row-number column).

    Returns
    -------
    columns : dict of str to label
        Normalised name (stripped, lower case) -> the label as given.
    unnamed : list
        Labels that are empty: their cells must be empty too (trailing commas).

    Raises
    ------
    DiaryError
        A duplicated column ("amount,amount") or one magcalc does not read ("servings",
        "notes"): read alongside the others, either would change or be left out of the
        numbers unseen. The message names the column and suggests the closest known one.

    Examples
    --------
    >>> diary_columns(["Day", "food", " amount ", "unit"])[0]
    {'day': 'Day', 'food': 'food', 'amount': ' amount ', 'unit': 'unit'}
    >>> diary_columns(["food", "amount", "servings"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magcalc.errors.DiaryError: ... 'servings' ...; did you mean 'servings_per_day'? ...
    """
    import difflib

    known = [*DIARY_COLUMNS, *BARE_DOSE_COLUMNS, *extra]
    found: dict[str, Any] = {}
    unnamed: list[Any] = []
    for label in labels:
        name = str(label).strip().lower() if label is not None else ""
        if not name or name.startswith("unnamed: "):  # pandas names empty headers so
            unnamed.append(label)
            continue
        if name in found:
            raise DiaryError(
                f"{where} has two columns named {name!r}; keep one (the second would "
                "silently replace or be replaced by the first)",
                field=name,
            )
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            if any(sep in name for sep in ";\t|"):
                hint = "is the file comma-separated? "
            raise DiaryError(
                f"{where} has a column {shown(str(label))} that magcalc does not read; {hint}"
                "rename or remove it (a diary's columns are: "
                f"{', '.join(map(repr, DIARY_COLUMNS))})",
                field=name,
            )
        found[name] = label
    return found, unnamed


def day_of(value: Any) -> tuple[Literal["day", "all", "blank"], Day | None]:
    """
    What a diary's day cell says: a day, every day, or nothing.

    Whole numbers are days whatever their type: 1, 1.0, "1", " 1 ", "1.0" and "１" are
    day 1 (in a single diary and in a batch alike). Other text is a label
    ("2026-11-25", "mon"); "all", "every" and "daily" mean every recorded day.

    Returns
    -------
    ('day', int or str), ('all', None) or ('blank', None)

    Raises
    ------
    InputError
        A number that is not whole, not finite or not below 2**53, a bool, text with
        characters that look like digits but are not ("²"), or any other type.

    Examples
    --------
    >>> day_of(1), day_of(1.0), day_of("1.0"), day_of(" mon "), day_of("all"), day_of("")
    (('day', 1), ('day', 1), ('day', 1), ('day', 'mon'), ('all', None), ('blank', None))
    """
    bad = (
        f"day must be a whole number or a label such as '2026-11-25', not {shown(value)}; "
        "'all' (or an empty day on a supplement row) means every day"
    )
    number: float | int
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "blank", None
        if text.lower() in ALL_DAYS:
            return "all", None
        odd = odd_digit_message(text, "day")
        if odd is not None:
            raise InputError(odd, field="day")
        read = plain_number(text)
        if read is None:
            return "day", text
        number = read
    elif isinstance(value, bool) or type(value).__name__ == "bool_":
        raise InputError(bad, field="day")
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return "blank", None
    elif is_blank(value):
        return "blank", None
    else:
        raise InputError(bad, field="day")
    if isinstance(number, float) and not (math.isfinite(number) and number.is_integer()):
        raise InputError(bad, field="day")
    if abs(number) >= EXACT_LIMIT:
        raise InputError(
            f"day {shown(value)} is too large for a day number (below 2**53); use a label "
            "such as '2026-11-25'",
            field="day",
        )
    return "day", int(number)


def diary_number(value: Any, column: str, unit: str = "mg") -> float:
    """
    A number cell of a diary (a dose, servings, grams) as a float.

    Text must be a plain decimal number ("200", "0.5", "1e3"); digits of other scripts,
    superscripts and words are refused, not guessed.

    Raises
    ------
    DiaryError
        Naming the column and what to write.

    Examples
    --------
    >>> diary_number(" 200 ", "elemental_mg"), diary_number(2, "servings_per_day")
    (200.0, 2.0)
    """
    expected = f"{column} must be a number [{unit}]"
    if isinstance(value, str):
        odd = odd_digit_message(value.strip(), column)
        if odd is not None:
            raise DiaryError(odd, field=column)
        number = plain_number(value)
        if number is None:
            raise DiaryError(f"{expected}, not {shown(value)}", field=column)
        return number
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DiaryError(f"{expected}, not {shown(value)}", field=column)
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):  # an int too large for a float
        raise DiaryError(f"{expected}, not {shown(value)}", field=column) from None


def diary_amount(amount: Any, unit: Any = None) -> Any:
    """
    A food row's amount, from its ``amount`` and ``unit`` cells, as :func:`serving`
    takes it: text such as "1/2 cup", or grams (a bare number).

    With a unit, the amount must be a number alone: ``1`` + ``cup`` is "1 cup", while
    ``1 oz`` + ``cup`` is refused (which one was meant?).

    Raises
    ------
    AmountError
        An amount with its own unit next to a unit cell, a bool, a unit that is not
        text, or digits that are not 0-9 ("1²").

    Examples
    --------
    >>> diary_amount("1", "cup"), diary_amount(0.5, "cup"), diary_amount("28.35")
    ('1 cup', '0.5 cup', 28.35)
    """
    if isinstance(amount, str):
        odd = odd_digit_message(amount.strip(), "amount")
        if odd is not None:
            raise AmountError(odd)
    if is_blank(unit):
        if isinstance(amount, str):
            number = plain_number(amount)
            return amount.strip() if number is None else number
        return amount  # grams, a Quantity, or junk that serving() refuses
    if not isinstance(unit, str):
        raise AmountError(f"unit must be text such as 'cup' or 'g', not {shown(unit)}")
    unit_text = unit.strip()
    odd = odd_digit_message(unit_text, "unit")
    if odd is not None:
        raise AmountError(odd)
    if isinstance(amount, bool) or type(amount).__name__ == "bool_":
        raise AmountError(f"amount must be a number, not {amount!r}")
    if isinstance(amount, numbers.Real):
        try:
            number_text = repr(float(amount))
        except OverflowError:
            raise AmountError(
                f"amount {shown(amount)} is too large to use; give a number such as 0.5"
            ) from None
    elif isinstance(amount, str):
        number_text = amount.strip()
        try:
            alone = parse_amount(f"{number_text} g")
        except MagcalcError:
            alone = None
        if alone is None or alone.unit != "gram" or alone.qualifier:
            raise AmountError(
                f"amount {shown(amount)} has its own unit and the unit column says "
                f"{shown(unit_text)}; give the number in 'amount' and the unit in 'unit' "
                "(or all of it in 'amount', e.g. '1/2 cup')"
            )
    else:
        raise AmountError(
            f"amount must be a number or text such as '1/2 cup', not {type(amount).__name__}"
        )
    return f"{number_text} {unit_text}"


def person_key(value: Any) -> str:
    """
    A person id as the text it is matched by: 7, 7.0, "7" and " 7 " are the same person.

    Raises
    ------
    InputError
        A float id of 2**53 or more (it may be another person's id, rounded), a
        number too long to write, or a list, dict or other container.

    Examples
    --------
    >>> person_key(7), person_key(7.0), person_key(" 7 ")
    ('7', '7', '7')
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        problem = cell_problem(int(value))
        if problem is not None:
            raise InputError(f"person_id {problem}", field="person_id")
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer():
            if abs(number) >= EXACT_LIMIT:
                raise InputError(
                    f"person_id {number!r} is a float of 2**53 or more, which cannot hold every "
                    "whole number (it may be another person's id, rounded); store ids as "
                    "text or as integers (e.g. pandas.read_csv(..., dtype={'person_id': str}))",
                    field="person_id",
                )
            return str(int(number))
        return str(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)) or not is_hashable(value):
        raise InputError(
            f"person_id holds a {type(value).__name__} ({shown(value)}); a cell holds one "
            "value: text or a number",
            field="person_id",
        )
    return str(value)


def is_hashable(value: Any) -> bool:
    """Whether ``value`` can be a key (a diary cell holding a list cannot)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _csv_text(path: Path, what: str, error: type[InputError]) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"no {what} file at {str(path)!r}") from None
    except UnicodeDecodeError as err:
        raise error(f"{str(path)!r} is not UTF-8 text ({err.reason}); save it as UTF-8") from None
    except OSError as err:
        raise error(unreadable_message(path, err, what)) from None


def read_csv_table(
    path: str | Path, what: str = "diary", error: type[InputError] = DiaryError
) -> tuple[list[str], list[list[str]]]:
    """
    The header and rows of a CSV file, read exactly or refused.

    Every row has as many cells as the header: shorter rows are padded with empty
    cells, and a row with more (non-empty) fields than the header is an error with its
    line number, because its cells would be read under the wrong columns ("1,almonds,
    1,5 oz": an unquoted comma). Empty lines are skipped.

    Parameters
    ----------
    path : str or Path
    what : str, default 'diary'
        What the file is, for messages.
    error : type, default DiaryError
        The error to raise.

    Raises
    ------
    DiaryError (or `error`)
        Missing, unreadable or non-UTF-8 file, a field over the csv module's limit, or a
        row with more fields than the header.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "diary.csv"
    >>> _ = path.write_text("day,food,amount\\n1,almonds,1,5 oz\\n")
    >>> read_csv_table(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magcalc.errors.DiaryError: ...diary.csv' line 2 has 4 fields but the header has 3 ...
    """
    path = Path(path)
    text = _csv_text(path, what, error)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        header = next(reader, [])
        width = len(header)
        for fields in reader:
            if not fields:
                continue
            if len(fields) > width:
                if any(f.strip() for f in fields[width:]):
                    raise error(
                        f"{str(path)!r} line {reader.line_num} has {len(fields)} fields but "
                        f"the header has {width} ({', '.join(header)}): a cell with a comma "
                        'must be in double quotes ("1,5 oz"); or write 1.5 oz'
                    )
                fields = fields[:width]
            rows.append(fields + [""] * (width - len(fields)))
    except csv.Error as err:  # e.g. a field over csv's 128 KiB limit
        raise error(
            f"{str(path)!r} line {reader.line_num} cannot be read as CSV ({err}); "
            f"save the {what} as comma-separated text with one entry a line"
        ) from None
    return header, rows


def read_csv_header(
    path: str | Path, what: str = "diary", error: type[InputError] = DiaryError
) -> list[str]:
    """The header row of a CSV file, read with :func:`read_csv_table`'s rules."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), [])
    except FileNotFoundError:
        raise error(f"no {what} file at {str(path)!r}") from None
    except UnicodeDecodeError as err:
        raise error(f"{str(path)!r} is not UTF-8 text ({err.reason}); save it as UTF-8") from None
    except csv.Error as err:
        raise error(f"{str(path)!r} line 1 cannot be read as CSV ({err})") from None
    except OSError as err:
        raise error(unreadable_message(path, err, what)) from None


def diary_path(path: Any) -> Path:
    """A diary file name as a Path, or DiaryError for anything that is not one."""
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise DiaryError(
            f"a diary path must be a file name such as 'diary.csv', not {path!r}", field="path"
        )
    return Path(path)


def unreadable_message(path: Path, err: OSError, what: str = "diary") -> str:
    """The message for a file the system would not let magcalc read."""
    return (
        f"cannot read the {what} {str(path)!r} ({err.strerror or err}); give a readable "
        ".csv or .json file"
    )


def diary_food(food: Any) -> Any:
    """A food cell; an id written with digits that are not 0-9 ("²", "①") is refused."""
    if isinstance(food, str) and food.isdigit():
        odd = odd_digit_message(food, "food")
        if odd is not None:
            raise DiaryError(f"{odd}; or give the food's name", field="food")
    return food


def food_amount(clean: Mapping[str, Any]) -> Any:
    """A food row's amount as serving() takes it, from 'amount' (+ 'unit') or 'grams'."""
    if "grams" in clean:
        if "amount" in clean or "unit" in clean:
            raise DiaryError(
                "give either 'amount' (with an optional 'unit') or 'grams', not both",
                field="grams",
            )
        return diary_number(clean["grams"], "grams", "g")
    if "amount" not in clean:
        raise DiaryError(
            "food row has no 'amount'; write e.g. '1/2 cup' or '100 g' (or give 'grams')",
            field="amount",
        )
    return diary_amount(clean["amount"], clean.get("unit"))


def diary_supplement(form: Any, clean: Mapping[str, Any]) -> Supplement:
    """A supplement row's dose, as magcalc.batch reads it."""
    for bare in BARE_DOSE_COLUMNS:
        if bare in clean:
            Supplement(form=form, **{bare: clean[bare]})  # raises: a bare mg is ambiguous
    kwargs: dict[str, Any] = {}
    if "servings_per_day" in clean:
        kwargs["servings_per_day"] = diary_number(
            clean["servings_per_day"], "servings_per_day", "servings a day"
        )
    elemental, compound = clean.get("elemental_mg"), clean.get("compound_mg")
    if elemental is None and compound is None:
        return parse_label(str(form), **kwargs)
    if elemental is not None:
        kwargs["elemental_mg"] = diary_number(elemental, "elemental_mg")
    if compound is not None:
        kwargs["compound_mg"] = diary_number(compound, "compound_mg")
    return Supplement(form=form, **kwargs)
