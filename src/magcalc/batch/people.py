"""
The people table: validated, and each person matched to reference values, once.

:func:`prepare_people` checks every row (ids, ages, sex, pregnancy and lactation) and
looks up reference values per life stage (see :mod:`magcalc.batch._stages`); the
:class:`PreparedPeople` it returns is what the diary engine, every Dask partition and
every Spark task share.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc._util import shown
from magcalc.batch._columns import (
    cell_text,
    clean_factor,
    combine_codes,
    display_id,
    distinct_codes,
    id_keys,
)
from magcalc.batch._errorlog import error_table, has_error
from magcalc.batch._inputs import ErrorsMode, check_frame, check_mode, column_labels
from magcalc.batch._stages import Labels, age_value, flag_value, stage_profiles
from magcalc.dri.values import DEFAULT_FRAMEWORK
from magcalc.errors import InputError, MagcalcError, PersonError
from magcalc.stats import check_sd_within

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["PreparedPeople", "as_prepared", "find_people", "prepare_people"]


@dataclass(frozen=True)
class PreparedPeople:
    """
    The people table validated and matched to reference values, once.

    Made by :func:`prepare_people`; pass it instead of a DataFrame to
    :func:`~magcalc.batch.assess_partition` so that each Dask partition does not redo the work.

    Attributes
    ----------
    framework : str
    profiles : pandas.DataFrame
        One row per person of the people table (positional), with the normalised
        profile, reference values [mg/day] and ``valid``/``reason``.
    keys : dict of str to int
        Person id (as text) -> position in ``profiles``.
    errors : pandas.DataFrame
        Rejected people rows (:data:`~magcalc.batch.ERROR_COLUMNS`).
    """

    framework: str
    profiles: pd.DataFrame
    keys: Mapping[str, int]
    errors: pd.DataFrame


class _PersonKeys(Mapping[str, int]):
    """Person id (as text) -> position in the people table, the first row of each id.

    A read-only mapping over a pandas Index, so that a people table of 500k ids is
    matched with one vectorised ``get_indexer`` rather than a dict built id by id.
    """

    def __init__(self, index: pd.Index[Any], positions: npt.NDArray[np.intp]) -> None:
        self.index, self.positions = index, positions
        self.duplicated = np.zeros(0, dtype=bool)

    @classmethod
    def of(cls, keys: npt.NDArray[np.object_], usable: npt.NDArray[np.bool_]) -> _PersonKeys:
        """From per-row keys; ``.duplicated`` marks the usable rows whose id repeats."""
        at = np.flatnonzero(usable)
        codes, uniques = pd.factorize(keys[at])
        _, first = np.unique(codes, return_index=True)
        out = cls(pd.Index(np.asarray(uniques, dtype=object), dtype=object), at[first])
        out.duplicated = np.zeros(len(keys), dtype=bool)
        out.duplicated[at] = np.bincount(codes, minlength=len(uniques))[codes] > 1
        return out

    def find(self, keys: Sequence[str] | npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
        """Positions of ``keys`` in the people table (-1 where absent)."""
        if not len(keys) or not len(self.positions):
            return np.full(len(keys), -1, dtype=np.intp)
        found = np.asarray(self.index.get_indexer(pd.Index(keys, dtype=object)), dtype=np.intp)
        return np.where(found >= 0, self.positions[np.maximum(found, 0)], -1)

    def __getitem__(self, key: str) -> int:
        pos = int(self.find([key])[0])
        if pos < 0:
            raise KeyError(key)
        return pos

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.tolist())

    def __len__(self) -> int:
        return len(self.positions)

    def __repr__(self) -> str:
        return f"<{len(self)} person ids>"


def _field_column(fld: str | None, names: dict[str, str]) -> str:
    return names.get(fld or "", names["age_years"])


def prepare_people(
    people: pd.DataFrame,
    framework: str = DEFAULT_FRAMEWORK,
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
) -> PreparedPeople:
    """
    Validate a people table and look up each person's reference values.

    Parameters
    ----------
    people : pandas.DataFrame
        Columns ``person_id``, ``sex``, ``age`` (or ``age_years``) and/or
        ``age_months``, and optionally ``pregnant``, ``lactating`` (True/False, or
        text such as "yes"/"no"/"1"/"0"; empty means False). Column names are
        case-insensitive.
    framework : str, default 'IOM1997'
    errors : {'raise', 'report'}, default 'raise'
    sd_within_mg : float, optional
        Within-person SD [mg/day] for everyone; default per person from
        :func:`magcalc.dri.within_person_sd`.

    Returns
    -------
    PreparedPeople

    Raises
    ------
    PersonError
        With ``errors="raise"``, for the first invalid people row (an impossible
        person, a duplicated or empty ``person_id``, no reference value in the
        framework); the message names the row.
    UnknownFrameworkError, InputError
        For a bad ``framework``, ``sd_within_mg`` or a missing column, whatever
        ``errors`` says.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"person_id": ["a", "b"], "age": [34, 30],
    ...                        "sex": ["f", "male"], "pregnant": ["yes", "yes"]})
    >>> prepared = prepare_people(people, errors="report")
    >>> prepared.profiles["valid"].tolist(), prepared.profiles["ear_mg"].tolist()
    ([True, False], [300.0, nan])
    >>> prepared.errors[["row", "column"]].to_numpy().tolist()
    [[2, 'pregnant']]
    """
    from magcalc.dri import Person, framework_info, reference_values, within_person_sd

    mode = check_mode(errors)
    name = framework_info(framework).framework
    sd_fixed = check_sd_within(sd_within_mg)
    people = check_frame(people, "people")
    cols = column_labels(people, "people")
    if "person_id" not in cols or "sex" not in cols:
        raise InputError(
            "people needs columns person_id, sex and age (years) or age_months; "
            f"found: {', '.join(map(str, people.columns)) or 'none'}",
            field="people",
        )
    if "age" in cols and "age_years" in cols:
        raise InputError("people has both 'age' and 'age_years'; keep one", field="age_years")
    age_label = cols.get("age_years", cols.get("age"))
    if age_label is None and "age_months" not in cols:
        raise InputError("people needs an 'age' (years) or 'age_months' column", field="age")
    names = {
        "age_years": str(age_label if age_label is not None else cols["age_months"]),
        "age_months": str(cols.get("age_months", age_label)),
        "sex": str(cols["sex"]),
        "pregnant": str(cols.get("pregnant", "pregnant")),
        "lactating": str(cols.get("lactating", "lactating")),
        "person_id": str(cols["person_id"]),
    }
    n = len(people)
    ids = people[cols["person_id"]]
    id_list = ids.tolist()
    keys_arr, id_problem = id_keys(ids)
    blank_id = np.asarray(ids.isna(), dtype=bool) | (keys_arr == "")
    bad_id = has_error(id_problem) & ~blank_id
    unusable = blank_id | bad_id
    keys = _PersonKeys.of(keys_arr, ~unusable)
    dup = keys.duplicated

    labels = [age_label, cols.get("age_months"), cols["sex"], cols.get("pregnant")]
    labels.append(cols.get("lactating"))
    cleaned = [clean_factor(None if lb is None else people[lb], n) for lb in labels]
    factors = [fac for fac, _, _ in cleaned]
    # A cell that cannot be read (a list, 1 MB of text): the person's row is refused.
    unreadable = np.empty(n, dtype=object)
    for lb, (_, rows, why) in zip(labels, cleaned, strict=True):
        for i, text in zip(rows.tolist(), why, strict=True):
            if unreadable[i] is None:
                unreadable[i] = (str(lb), f"{lb} {text}")
    codes, first = distinct_codes(*combine_codes(*(f.codes for f in factors)))

    # Profiles that are plainly valid are matched to reference values by life stage, as
    # arrays; the others (and any stage without a value) go through Person one by one,
    # which gives the same values and the exact error.
    distinct, slow = stage_profiles(factors, first, name, sd_fixed)
    normal = [age_value, age_value, lambda v: v, flag_value, flag_value]
    profile_err = np.empty(len(first), dtype=object)
    for j in np.flatnonzero(slow).tolist():
        pos = int(first[j])
        profile = [
            m if f.codes[pos] < 0 else fn(f.uniques[int(f.codes[pos])])
            for f, fn, m in zip(factors, normal, (None, None, None, False, False), strict=True)
        ]
        try:
            person = Person(
                age_years=profile[0],
                age_months=profile[1],
                sex=profile[2],
                pregnant=profile[3],
                lactating=profile[4],
            )
            refs = reference_values(person, framework=name)
            sd = sd_fixed if sd_fixed is not None else within_person_sd(person)[0]
        except MagcalcError as err:
            profile_err[j] = err
            continue
        values = {
            "sex": person.sex,
            "age_years": person.age_years,
            "age_months": person.age_months,
            "pregnant": person.pregnant,
            "lactating": person.lactating,
            "life_stage": refs.life_stage,
            "ear_mg": refs.ear_mg,
            "target_mg": refs.target_mg,
            "target_kind": refs.target_kind,
            "ai_mg": refs.ai_mg,
            "ul_supplemental_mg": refs.ul_supplemental_mg,
            "sd_within_mg": sd,
        }
        for column, value in values.items():
            target = distinct[column]
            if isinstance(target, Labels):
                target.codes[j] = target.code(value)
            else:
                target[j] = math.nan if value is None else value
    frame = pd.DataFrame(
        {c: v.column(codes) if isinstance(v, Labels) else v[codes] for c, v in distinct.items()}
    )
    frame.insert(0, "person_id", ids.reset_index(drop=True))

    errs: list[tuple[int, str, str, BaseException]] = []  # position, column, reason, exc
    bad_profile = has_error(profile_err)[codes] if n else np.zeros(0, dtype=bool)
    bad_cell = has_error(unreadable)
    for i in np.flatnonzero(unusable | dup | bad_profile | bad_cell).tolist():
        if blank_id[i]:
            exc: BaseException = PersonError("person_id is empty", field="person_id")
            col = names["person_id"]
        elif bad_id[i]:
            exc = PersonError(str(id_problem[i]), field="person_id")
            col = names["person_id"]
        elif dup[i]:
            exc = PersonError(
                f"person_id {shown(id_list[i])} appears more than once in people (first at "
                f"row {keys[str(keys_arr[i])] + 1}); give each person one row",
                field="person_id",
            )
            col = names["person_id"]
        elif bad_cell[i]:
            col, text = unreadable[i]
            exc = PersonError(text, field=col)
        else:
            exc = profile_err[codes[i]]
            col = _field_column(getattr(exc, "field", None), names)
        errs.append((i, col, str(exc), exc))
    valid = np.ones(n, dtype=bool)
    reason = np.empty(n, dtype=object)
    for i, _, text, _ in errs:
        valid[i] = False
        reason[i] = text
    frame["valid"] = valid
    frame["reason"] = reason

    if errs and mode == "raise":
        i, col, text, exc = errs[0]
        raise PersonError(
            f"people row {i + 1} (person_id {shown(id_list[i])}): {text}", field=col
        ) from exc
    error_frame = error_table(
        "people",
        [i + 1 for i, *_ in errs],
        [display_id(id_list[i]) for i, *_ in errs],
        [c for _, c, _, _ in errs],
        [_text_cell(people, c, i) for i, c, _, _ in errs],
        [t for _, _, t, _ in errs],
    )
    return PreparedPeople(name, frame, keys, error_frame)


def _text_cell(people: pd.DataFrame, column: str, i: int) -> str:
    labels = {str(c): c for c in people.columns}
    label = labels.get(column)
    return "" if label is None else cell_text(people[label].iloc[i])


def as_prepared(
    people: pd.DataFrame | PreparedPeople,
    framework: str,
    mode: ErrorsMode,
    sd_within_mg: float | None,
) -> PreparedPeople:
    """``people`` if already prepared, else :func:`prepare_people` of it."""
    if isinstance(people, PreparedPeople):
        return people
    return prepare_people(people, framework, errors=mode, sd_within_mg=sd_within_mg)


def find_people(prep: PreparedPeople, keys: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Positions in the people table of person-id keys (-1 where absent)."""
    table = prep.keys
    if isinstance(table, _PersonKeys):
        return table.find(keys)
    return np.asarray([table.get(k, -1) for k in keys.tolist()], dtype=np.intp)
