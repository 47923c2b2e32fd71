"""Shared pydantic plumbing: frozen value models whose validation errors are MagcalcErrors."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from typing_extensions import Self

from magcalc.errors import InputError, MagcalcError

__all__ = ["InputModel", "ValueModel", "as_magcalc_error", "computed", "validated"]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def as_magcalc_error(err: ValidationError, cls: type[InputError] = InputError) -> MagcalcError:
    """
    The MagcalcError for a pydantic ValidationError, naming the field.

    A MagcalcError raised inside a validator is returned as it was raised; anything
    else becomes ``cls`` with the field, what was wrong and the value given.
    """
    first = err.errors()[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, MagcalcError):
        return cause
    field = ".".join(str(p) for p in first["loc"]) or None
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "is not a known argument"
    where = f"{field}: " if field else ""
    given = first.get("input")
    shown = repr(given)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    suffix = f" (got {shown})" if first["type"] not in ("missing",) and field else ""
    return cls(f"{where}{message}{suffix}", field=field)


class ValueModel(BaseModel):
    """A frozen value: hashable, comparable, JSON-serialisable."""

    model_config = ConfigDict(frozen=True)


def validated(build: Callable[[], T], convert: Callable[[ValidationError], MagcalcError]) -> T:
    """
    ``build()``, its pydantic ValidationError raised as ``convert(err)``.

    The error is raised after the handler, so it carries no ValidationError as its
    context: where tblib pickles exceptions with their context (dask does once
    distributed is installed), that context cannot be pickled back.
    """
    try:
        return build()
    except ValidationError as err:
        error = convert(err)
    raise error


def computed(cls: type[M], fields: dict[str, Any], given: Iterable[str] | None = None) -> M:
    """
    A model of values magcalc has just computed, without validating them again.

    For results only, never for input: ``fields`` must hold every field, in the order
    the model declares them, each already of the type validation would give (a float
    for a float field, a Quantity for an mg/day one), as ``repr``, equality and JSON
    read them from there. ``given`` names the fields a caller would have passed (the
    others took their defaults); default all. pydantic's ``model_construct`` does this
    too, but fills defaults and is slower than validating.
    """
    made = cls.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", set(fields if given is None else given))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


class InputModel(BaseModel):
    """
    A frozen model built from user input: unknown fields are refused and every
    validation problem surfaces as a :class:`~magcalc.errors.MagcalcError`
    subclass (``error_class``) that names the field.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    error_class: ClassVar[type[InputError]] = InputError

    def __init__(self, /, **data: Any) -> None:
        init = super().__init__
        validated(lambda: init(**data), partial(as_magcalc_error, cls=type(self).error_class))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """
        A copy, with ``update`` validated as the constructor validates it.

        pydantic's ``model_copy`` sets the updated fields without validation, so
        ``Supplement(...).model_copy(update={"elemental_mg": -500})`` would be a dose no
        constructor accepts; here the fields and the update go through
        :meth:`model_validate` and its errors are ``error_class``.

        Examples
        --------
        >>> from magcalc import Supplement
        >>> Supplement(form="citrate", elemental_mg=200).model_copy(
        ...     update={"elemental_mg": 100}).elemental_mg
        100.0
        """
        if not update:
            return super().model_copy(deep=deep)
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        copied = copy.deepcopy(fields) if deep else fields
        return type(self).model_validate({**copied, **update})

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a dict (or object); errors are ``error_class``."""
        method = super().model_validate
        convert = partial(as_magcalc_error, cls=cls.error_class)
        return validated(lambda: method(obj, *args, **kwargs), convert)

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate JSON text; errors are ``error_class``."""
        method = super().model_validate_json
        convert = partial(as_magcalc_error, cls=cls.error_class)
        return validated(lambda: method(json_data, *args, **kwargs), convert)
