"""One person's intake: days of foods and supplements, resolved when added.

:class:`Intake` holds what a person ate and took; an unknown food or a bad amount fails
at once, with a helpful error, not at assessment time. It reads diary files in the
format of :mod:`magcalc.diary`.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, model_validator
from typing_extensions import Self

from magcalc._models import InputModel, ValueModel
from magcalc._util import finite, shown
from magcalc.diary import (
    FOOD_ONLY_COLUMNS,
    SUPPLEMENT_ONLY_COLUMNS,
    Day,
    cell_problem,
    day_of,
    diary_columns,
    diary_food,
    diary_path,
    diary_supplement,
    food_amount,
    is_blank,
    person_key,
    read_csv_table,
    unreadable_message,
)
from magcalc.errors import DiaryError, InputError, MagcalcError, SupplementError
from magcalc.foods import FoodLike, Serving, Servings, serving, servings
from magcalc.supplements import Supplement, get_form, parse_label

__all__ = ["FoodEntry", "Intake", "SupplementEntry", "check_serving", "check_supplement"]

_FLOAT_MAX = sys.float_info.max


def _food_day(day: Any) -> Day:
    checked = Intake._check_day(day, allow_none=False)
    assert checked is not None
    return checked


def _supplement_day(day: Any) -> Day | None:
    return Intake._check_day(day, allow_none=True)


class FoodEntry(ValueModel):
    """A food eaten on a day: the day and the resolved serving."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: Annotated[Day, BeforeValidator(_food_day)]
    serving: Serving


class SupplementEntry(ValueModel):
    """A supplement taken on a day, or on every recorded day (``day=None``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: Annotated[Day | None, BeforeValidator(_supplement_day)] = None
    supplement: Supplement


class Intake(InputModel):
    """
    One or more days of foods and supplements.

    Foods are resolved when added, so an unknown food or a bad amount fails at once,
    with a helpful error, rather than at assessment time.

    An Intake is a pydantic model: ``model_dump_json()`` and ``model_validate_json()``
    round-trip it (each serving with its food, grams and magnesium), and its JSON Schema
    documents it, so a web service can take it as a request body. The JSON holds
    resolved servings, so a service that accepts intakes from untrusted clients should
    rather take diary rows and build the intake with :meth:`from_records`, where every
    number comes from the bundled USDA table.

    Attributes
    ----------
    food_entries : list of FoodEntry
    supplement_entries : list of SupplementEntry

    Examples
    --------
    >>> intake = Intake()
    >>> _ = intake.add_food("almonds", "1 oz", day=1)
    >>> _ = intake.add_supplement(Supplement(form="citrate", elemental_mg=200), day=None)
    >>> intake.days
    [1]
    >>> Intake.model_validate_json(intake.model_dump_json()) == intake
    True
    """

    # Mutable, unlike other input models: entries are added one by one. Validation errors
    # (from JSON too) are InputErrors, as for every model built from input.
    model_config = ConfigDict(frozen=False, extra="forbid", validate_assignment=True)

    food_entries: list[FoodEntry] = Field(default_factory=list)
    supplement_entries: list[SupplementEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _checked(self) -> Self:
        for entry in self.food_entries:
            check_serving(entry.serving)
        for s_entry in self.supplement_entries:
            check_supplement(s_entry.supplement)
        return self

    def __repr__(self) -> str:
        return (
            f"<Intake: {len(self.food_entries)} foods, {len(self.supplement_entries)} "
            f"supplements, {len(self.days)} day(s)>"
        )

    def __str__(self) -> str:
        return repr(self)

    def __len__(self) -> int:
        return len(self.food_entries) + len(self.supplement_entries)

    @staticmethod
    def _check_day(day: Any, *, allow_none: bool) -> Day | None:
        """A day as diaries read it (:func:`day_of`): 1, 1.0 and "1" are day 1."""
        if day is None and allow_none:
            return None
        if isinstance(day, str) and not day.strip():
            raise InputError(
                "day label is empty; give a day number or a label such as '2026-11-25'",
                field="day",
            )
        kind, value = day_of(day)
        if kind == "day":
            return value
        if kind == "all":
            if allow_none:
                return None
            raise InputError(
                f"a food needs a day: {day!r} (every day) is for supplements; give a day "
                "number or a label such as '2026-11-25'",
                field="day",
            )
        raise InputError(
            f"day must be a whole number or a label such as '2026-11-25', not {shown(day)}",
            field="day",
        )

    def add_food(self, food: FoodLike, amount: Any = None, *, day: Day = 1) -> Serving:
        """
        Add a food in a household amount on a day.

        Parameters
        ----------
        food : Food, int or str
            A Food, FDC id, FNDDS food code, NDB number or name (best match), or a whole
            entry with its amount ("2 eggs scrambled") when `amount` is left out.
        amount : str, float or pint.Quantity, optional
            "1/2 cup", "3.5 oz", "1 medium", a Quantity, or grams.
        day : int or str, default 1

        Returns
        -------
        Serving
            The resolved food, grams and magnesium (None when unknown).
        """
        checked = self._check_day(day, allow_none=False)
        assert checked is not None
        result = serving(food, amount)
        # Checked above; constructing skips validating the serving a second time.
        self.food_entries.append(FoodEntry.model_construct(day=checked, serving=result))
        return result

    def add_foods(self, line: str, *, day: Day = 1) -> Servings:
        """
        Add every food that a line names ("2 eggs and a slice of toast") on a day.

        Parameters
        ----------
        line : str
            One or more food entries, read by :func:`magcalc.servings`.
        day : int or str, default 1

        Returns
        -------
        Servings
            The servings added, with ``unplaced`` listing the parts that were not
            (nothing of those is added; check it).

        Examples
        --------
        >>> intake = Intake()
        >>> [s.food.description for s in intake.add_foods("2 eggs and 1 cup milk")]
        ['Egg, whole, raw, fresh', 'Milk, whole, 3.25% milkfat, with added vitamin D']
        """
        found = servings(line)
        for item in found:
            self.add_serving(item, day=day)
        return found

    def add_serving(self, item: Serving, *, day: Day = 1) -> Serving:
        """Add an already resolved :class:`~magcalc.foods.Serving` (e.g. from FDC)."""
        checked = self._check_day(day, allow_none=False)
        assert checked is not None
        check_serving(item)
        self.food_entries.append(FoodEntry.model_construct(day=checked, serving=item))
        return item

    def add_supplement(self, supplement: Supplement | str, *, day: Day | None = 1) -> Supplement:
        """
        Add a supplement taken on a day, or every recorded day with ``day=None``.

        Parameters
        ----------
        supplement : Supplement or str
            A :class:`Supplement`, or a Supplement Facts line such as
            "Magnesium (as magnesium citrate) 200 mg" (elemental).
        day : int, str or None, default 1
            None means taken on every day of the record.
        """
        if isinstance(supplement, str):
            supplement = parse_label(supplement)
        if not isinstance(supplement, Supplement):
            raise InputError(
                f"expected a Supplement or a label line, not {type(supplement).__name__}",
                field="supplement",
            )
        check_supplement(supplement)
        checked = self._check_day(day, allow_none=True)
        # Checked above: validating again would repeat its plausibility warning.
        self.supplement_entries.append(
            SupplementEntry.model_construct(day=checked, supplement=supplement)
        )
        return supplement

    @property
    def days(self) -> list[Day]:
        """Recorded days in the order first seen (days with foods or dated supplements)."""
        # dict.fromkeys keeps each key where it was first seen.
        seen: dict[Day, None] = dict.fromkeys([e.day for e in self.food_entries])
        seen.update(dict.fromkeys([e.day for e in self.supplement_entries if e.day is not None]))
        if not seen and self.supplement_entries:
            seen[1] = None
        return list(seen)

    @property
    def foods(self) -> list[tuple[Day, Serving]]:
        """(day, serving) pairs."""
        return [(e.day, e.serving) for e in self.food_entries]

    @property
    def supplements(self) -> list[tuple[Day | None, Supplement]]:
        """(day or None for every day, supplement) pairs."""
        return [(e.day, e.supplement) for e in self.supplement_entries]

    # ------------------------------------------------------------------ diaries

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Intake:
        """
        Build an intake from diary rows.

        The columns are those of :data:`DIARY_COLUMNS`, as in a batch diary
        (:func:`magcalc.batch.assess_frame`): ``day`` (a whole number or a label; a row
        without a ``day`` key is day 1), and either ``food`` with ``amount`` (text such
        as "1/2 cup", or a number with ``unit``: ``1`` + ``cup``; a bare number is grams)
        or ``grams``, or ``supplement`` (a form name or a label line; ``form`` is the
        same column) with ``elemental_mg`` or ``compound_mg`` and optional
        ``servings_per_day``. A supplement row with ``day`` empty or "all" counts on
        every recorded day. A ``person_id`` column may name one person.

        Raises
        ------
        DiaryError
            Naming the row (1-based, header excluded) and what to fix: an unknown,
            misspelt or duplicated column, a cell that belongs to the other kind of row
            (``servings_per_day`` on a food row), a food row with an empty day, rows of
            several people, a cell over :data:`MAX_CELL_CHARS` characters, ...
        """
        if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
            raise DiaryError(
                f"records must be a list of rows (dicts of column -> value), not "
                f"{type(records).__name__}; e.g. [{{'day': 1, 'food': 'almonds', "
                "'amount': '1 oz'}]",
                field="records",
            )
        intake = cls()
        people: dict[str, int] = {}
        for number, row in enumerate(records, start=1):
            try:
                who = intake._add_record(row)
            except MagcalcError as err:
                raise DiaryError(f"row {number}: {err}", field=getattr(err, "field", None)) from err
            if who is not None:
                people.setdefault(who, number)
        if len(people) > 1:
            (first, _), (second, at) = list(people.items())[:2]
            raise DiaryError(
                f"row {at}: person_id {second!r} is another person than {first!r}; this "
                "diary is one person's: assess several people with magcalc.batch.assess_frame "
                "or `magcalc batch`",
                field="person_id",
            )
        if not len(intake):
            raise DiaryError("the diary has no rows; add foods or supplements")
        return intake

    def _add_record(self, row: Mapping[str, Any]) -> str | None:
        """Add one diary row; returns its person id (as text) or None."""
        if not isinstance(row, Mapping):
            raise DiaryError(f"a diary row must be a mapping of column -> value, not {row!r}")
        if None in row:  # csv.DictReader puts the fields beyond the header here
            raise DiaryError(
                "the row has more fields than the header: a cell with a comma must be in "
                'double quotes ("1,5 oz"); or write 1.5 oz'
            )
        columns, unnamed = diary_columns(row, where="the row")
        for label in unnamed:
            if not is_blank(row[label]):
                raise DiaryError(
                    f"the row has {shown(row[label])} under a column with no name; name the "
                    "column or empty the cell"
                )
        clean: dict[str, Any] = {}
        for name, label in columns.items():
            value = row[label]
            problem = cell_problem(value)
            if problem is not None:
                raise DiaryError(f"{name} {problem}", field=name)
            # None and empty text are empty cells; NaN in a record is a value to refuse.
            if value is not None and not (isinstance(value, str) and not value.strip()):
                clean[name] = value.strip() if isinstance(value, str) else value
        who = person_key(clean["person_id"]) if "person_id" in clean else None
        food = clean.get("food")
        supp = clean.get("supplement", clean.get("form"))
        if "supplement" in clean and "form" in clean:
            raise DiaryError(
                "give the supplement in 'supplement' or in 'form', not both", field="form"
            )
        if food is not None and supp is not None:
            raise DiaryError("a row has either 'food' or 'supplement', not both", field="food")
        if food is not None:
            for name in SUPPLEMENT_ONLY_COLUMNS:
                if name in clean:
                    raise DiaryError(
                        f"'{name}' is for supplement rows, and this is a food row; give the "
                        "food's amount in 'amount' (e.g. '2 cups') or put the supplement on "
                        "its own row",
                        field=name,
                    )
            # A row without a day column is day 1; an empty day cell is no day.
            kind, day = day_of(clean.get("day")) if "day" in columns else ("day", 1)
            if kind != "day" or day is None:
                raise DiaryError(
                    "a food row needs a day (a number or a label such as '2026-11-25'); "
                    "'all' and empty days are for supplements",
                    field="day",
                )
            self.add_food(diary_food(food), food_amount(clean), day=day)
            return who
        if supp is not None:
            for name in FOOD_ONLY_COLUMNS:
                if name in clean:
                    raise DiaryError(
                        f"'{name}' is for food rows, and this is a supplement row; give the "
                        "dose in elemental_mg or compound_mg",
                        field=name,
                    )
            kind, day = day_of(clean.get("day"))
            taken_on = day if kind == "day" else None
            self.add_supplement(diary_supplement(supp, clean), day=taken_on)
            return who
        raise DiaryError(
            "a row needs a 'food' (with 'amount') or a 'supplement' column; "
            f"got columns {sorted(clean)}",
            field="food",
        )

    @classmethod
    def read_csv(cls, path: str | Path) -> Intake:
        """
        Read a diary CSV whose columns are those of :data:`DIARY_COLUMNS` (day, food,
        amount, unit, grams, supplement, elemental_mg, compound_mg, servings_per_day; see
        :meth:`from_records`): the format of ``magcalc batch`` too.

        Raises
        ------
        DiaryError
            An unreadable file, a column that is unknown, misspelt or duplicated, a line
            with more fields than the header (an unquoted comma: "1,almonds,1,5 oz"),
            or a bad row; the message names the column, line or row.
        """
        path = diary_path(path)
        header, rows = read_csv_table(path)
        columns = {str(c).strip().lower() for c in header}
        if not columns & {"food", "supplement", "form"}:
            raise DiaryError(
                f"{str(path)!r} has no 'food' or 'supplement' column (found: "
                f"{', '.join(sorted(c for c in columns if c)) or 'none'}); is it comma-separated "
                "with a header?"
            )
        # Empty header cells get pandas' names, so that each keeps its own column.
        header = [c if c.strip() else f"Unnamed: {i}" for i, c in enumerate(header)]
        diary_columns(header, where=repr(str(path)))
        return cls.from_records(dict(zip(header, row, strict=True)) for row in rows)

    @classmethod
    def read_json(cls, path: str | Path) -> Intake:
        """Read a diary JSON file: a list of row objects, or ``{"entries": [...]}``."""
        path = diary_path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DiaryError(f"no diary file at {str(path)!r}") from None
        except OSError as err:
            raise DiaryError(unreadable_message(path, err)) from None
        except (ValueError, RecursionError) as err:
            # ValueError: bad UTF-8, bad JSON, or an integer of over 4300 digits;
            # RecursionError: arrays nested thousands deep.
            raise DiaryError(f"{str(path)!r} is not valid UTF-8 JSON: {err}") from None
        if isinstance(data, dict) and isinstance(data.get("entries"), list):
            data = data["entries"]
        if not isinstance(data, list):
            raise DiaryError(f"{str(path)!r} must hold a list of rows or {{'entries': [...]}}")
        return cls.from_records(data)

    @classmethod
    def read(cls, path: str | Path) -> Intake:
        """Read a diary file, CSV or JSON by its extension."""
        suffix = diary_path(path).suffix.lower()
        if suffix == ".json":
            return cls.read_json(path)
        if suffix in (".csv", ".txt"):
            return cls.read_csv(path)
        raise DiaryError(f"diary {str(path)!r}: use a .csv or .json file")


# --------------------------------------------------------------------------- assessment


def check_supplement(supplement: Any) -> None:
    """
    Raise SupplementError for a supplement whose amounts no constructor would accept (negative, NaN,
    infinite, both or neither basis, an unknown form): pydantic's ``model_construct``
    and copies that skip validation can make one.
    """
    if not isinstance(supplement, Supplement):
        raise InputError(
            f"expected a Supplement, not {type(supplement).__name__}", field="supplement"
        )
    fix = "build it with Supplement(...) or .model_copy(update=...), which check the amounts"
    form: Any = getattr(supplement, "form", None)
    name = getattr(supplement, "label", None) or f"magnesium {form}"
    get_form(form)
    for field in ("elemental_mg", "compound_mg", "servings_per_day"):
        value = getattr(supplement, field, None)
        if value is None and field != "servings_per_day":
            continue
        if not _non_negative(value):
            raise SupplementError(
                f"supplement {name!r} has {field}={shown(value)}; it must be a finite, "
                f"non-negative number: {fix}",
                field=field,
            )
    basis = getattr(supplement, "basis", None)
    if basis not in ("elemental", "compound") or getattr(supplement, f"{basis}_mg", None) is None:
        raise SupplementError(
            f"supplement {name!r} must say its basis and give that amount (elemental_mg or "
            f"compound_mg): {fix}",
            field="elemental_mg",
        )
    if supplement.servings_per_day == 0:
        raise SupplementError(
            f"supplement {name!r} has servings_per_day=0: leave it out instead",
            field="servings_per_day",
        )
    per_day = supplement.elemental_mg_per_day
    if not (math.isfinite(per_day) and per_day >= 0):
        raise SupplementError(
            f"supplement {name!r} gives {per_day!r} mg a day: {fix}", field="elemental_mg"
        )


def check_serving(item: Any) -> None:
    """Raise InputError for a food entry with negative, NaN or infinite grams or magnesium.

    Checked where used: a copy or ``model_construct()`` can hold what no constructor takes.
    """
    if not isinstance(item, Serving):
        raise InputError(f"expected a Serving, not {type(item).__name__}", field="item")
    # Fast path for what constructors make: assess() checks every entry on every call.
    grams, magnesium = getattr(item, "grams", None), getattr(item, "magnesium_mg", None)
    if _plain_non_negative(grams) and (magnesium is None or _plain_non_negative(magnesium)):
        return
    for field in ("grams", "magnesium_mg"):
        value = getattr(item, field, None)
        if value is None and field == "magnesium_mg":
            continue  # unknown, reported, never 0
        if not _non_negative(value):
            name = getattr(getattr(item, "food", None), "description", "a food")
            raise InputError(
                f"the entry {name!r} has {field}={shown(value)}; it must be a finite, "
                "non-negative number: make entries with magcalc.serving(...)",
                field=field,
            )


def _non_negative(value: Any) -> bool:
    return finite(value) and float(value) >= 0


def _plain_non_negative(value: Any) -> bool:
    """A float (not a subclass) that is finite and non-negative: NaN fails the comparison."""
    return type(value) is float and 0.0 <= value <= _FLOAT_MAX
