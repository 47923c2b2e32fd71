"""Person: construction, normalisation, impossible people refused with PersonError, round trips."""

from __future__ import annotations

import math
import pickle
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from magcalc.dri import Person
from magcalc.errors import InputError, MagcalcError, PersonError


def test_adult_by_years() -> None:
    p = Person(age_years=34, sex="female")
    assert (p.age_years, p.age_months, p.sex, p.pregnant, p.lactating) == (
        34.0,
        None,
        "female",
        False,
        False,
    )
    assert p.age_in_years == 34.0
    assert p.age_in_months == 408.0
    assert p.conditions == ()
    assert p.life_stage == "females 31-50 y"


def test_infant_by_months_fractional() -> None:
    p = Person(age_months=7.5, sex="male")
    assert p.age_in_months == 7.5
    assert p.age_in_years == pytest.approx(0.625)
    assert p.life_stage == "infants 7-12 mo"


@pytest.mark.parametrize(
    ("given_sex", "sex"),
    [
        ("female", "female"),
        ("Female", "female"),
        ("FEMALE", "female"),
        ("f", "female"),
        ("F", "female"),
        (" male ", "male"),
        ("Male", "male"),
        ("m", "male"),
        ("M", "male"),
    ],
)
def test_sex_is_normalised(given_sex: str, sex: str) -> None:
    assert Person(age_years=40, sex=given_sex).sex == sex


@pytest.mark.parametrize(
    ("kwargs", "stage"),
    [
        ({"age_months": 0, "sex": "female"}, "infants 0-6 mo"),
        ({"age_months": 11, "sex": "male"}, "infants 7-12 mo"),
        ({"age_years": 2, "sex": "male"}, "children 1-3 y"),
        ({"age_years": 6, "sex": "female"}, "children 4-8 y"),
        ({"age_years": 10, "sex": "male"}, "males 9-13 y"),
        ({"age_years": 16, "sex": "female"}, "females 14-18 y"),
        ({"age_years": 45, "sex": "male"}, "males 31-50 y"),
        ({"age_years": 80, "sex": "female"}, "females >70 y"),
        ({"age_years": 25, "sex": "female", "pregnant": True}, "pregnancy 19-30 y"),
        ({"age_years": 12, "sex": "female", "pregnant": True}, "pregnancy <=18 y"),
        ({"age_years": 35, "sex": "female", "lactating": True}, "lactation 31-50 y"),
    ],
)
def test_life_stage_labels(kwargs: dict[str, object], stage: str) -> None:
    assert Person(**kwargs).life_stage == stage


def test_edges_that_are_allowed() -> None:
    assert Person(age_years=0, sex="female").age_in_months == 0
    assert Person(age_years=124.99, sex="male").life_stage == "males >70 y"
    assert Person(age_months=1499.9, sex="male").age_in_years < 125
    assert Person(age_years=10, sex="female", pregnant=True).pregnant
    assert Person(age_years=59.99, sex="female", lactating=True).lactating
    assert Person(age_years=Fraction(7, 2), sex="f").age_years == 3.5


def test_conditions_are_stored_as_canonical_keys() -> None:
    p = Person(age_years=50, sex="male", conditions=["type 2 diabetes", "PPI", "omeprazole"])
    assert p.conditions == ("type_2_diabetes", "ppi")
    with pytest.raises(PersonError, match=r"unknown condition 'x'.*ppi"):
        Person(age_years=50, sex="male", conditions=("x",))


# Each impossible person, the field the error must name, and words its message must hold.
BAD_PEOPLE = [
    ({"age_years": 30, "sex": "male", "pregnant": True}, "pregnant", "sex='female'"),
    ({"age_years": 30, "sex": "m", "lactating": True}, "lactating", "sex='female'"),
    ({"age_years": 9.99, "sex": "female", "pregnant": True}, "pregnant", "10 to under 60"),
    ({"age_years": 60, "sex": "female", "pregnant": True}, "pregnant", "10 to under 60"),
    ({"age_months": 24, "sex": "female", "lactating": True}, "lactating", "10 to under 60"),
    ({"age_years": 70, "sex": "female", "lactating": True}, "lactating", "lactation"),
    (
        {"age_years": 30, "sex": "female", "pregnant": True, "lactating": True},
        "lactating",
        "choose one: DRIs have no combined value",
    ),
    ({"age_years": -1, "sex": "female"}, "age_years", "negative"),
    ({"age_months": -0.5, "sex": "female"}, "age_months", "negative"),
    ({"age_years": 125, "sex": "female"}, "age_years", "below 125 years"),
    ({"age_years": 300, "sex": "female"}, "age_years", "not a plausible age"),
    ({"age_months": 1500, "sex": "male"}, "age_months", "below 1500 months"),
    ({"age_years": 3, "age_months": 36, "sex": "female"}, "age_years", "both given"),
    ({"sex": "female"}, "age_years", "neither given"),
    ({"age_years": None, "age_months": None, "sex": "male"}, "age_years", "exactly one"),
    ({"age_years": math.nan, "sex": "female"}, "age_years", "not a finite number"),
    ({"age_months": math.inf, "sex": "female"}, "age_months", "not a finite number"),
    ({"age_years": -math.inf, "sex": "female"}, "age_years", "not a finite number"),
    ({"age_years": True, "sex": "female"}, "age_years", "bool"),
    ({"age_months": False, "sex": "female"}, "age_months", "bool"),
    ({"age_years": "34", "sex": "female"}, "age_years", "number of years"),
    ({"age_years": [34], "sex": "female"}, "age_years", "number of years"),
    ({"age_years": 34, "sex": "x"}, "sex", "'female' or 'male'"),
    ({"age_years": 34, "sex": ""}, "sex", "'female' or 'male'"),
    ({"age_years": 34, "sex": None}, "sex", "'female' or 'male'"),
    ({"age_years": 34, "sex": 1}, "sex", "'female' or 'male'"),
    ({"age_years": 34}, "sex", "needs sex="),
    ({"age_years": 34, "sex": "female", "pregnant": "yes"}, "pregnant", "True or False"),
    ({"age_years": 34, "sex": "female", "lactating": 1}, "lactating", "True or False"),
    ({"age_years": 34, "sex": "female", "age": 34}, "age", "no argument 'age'"),
    ({"age_years": 34, "sex": "female", "conditions": "diabetes"}, "conditions", "list or tuple"),
    ({"age_years": 34, "sex": "female", "conditions": [1]}, "conditions", "only strings"),
]


@pytest.mark.parametrize(("kwargs", "field", "fragment"), BAD_PEOPLE)
def test_impossible_people_raise_person_error(
    kwargs: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(PersonError) as info:
        Person(**kwargs)
    err = info.value
    assert not isinstance(err, ValidationError)  # pydantic never leaks
    assert err.field == field
    assert fragment in str(err)
    assert field in str(err) or field == "age"  # the message names the field


@pytest.mark.parametrize(("kwargs", "field", "fragment"), BAD_PEOPLE)
def test_model_validate_also_raises_person_error(
    kwargs: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(PersonError) as info:
        Person.model_validate(kwargs)
    assert info.value.field == field
    assert not isinstance(info.value, ValidationError)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"age_years": -3, "sex": "f"}', "age_years"),
        ('{"age_years": 30, "sex": "male", "pregnant": true}', "pregnant"),
        ('{"age_years": 30}', "sex"),
        ('{"age_years": "30", "sex": "f"}', "age_years"),
        ("[1, 2]", None),
    ],
)
def test_model_validate_json_raises_person_error(text: str, field: str | None) -> None:
    with pytest.raises(PersonError) as info:
        Person.model_validate_json(text)
    assert info.value.field == field


def test_model_validate_needs_a_mapping() -> None:
    with pytest.raises(PersonError, match="keyword arguments"):
        Person.model_validate([34, "female"])


def test_person_error_is_input_and_value_error() -> None:
    assert issubclass(PersonError, InputError)
    assert issubclass(PersonError, ValueError)
    assert issubclass(PersonError, MagcalcError)


def test_person_error_pickles_with_its_field() -> None:
    with pytest.raises(PersonError) as info:
        Person(age_years=30, sex="male", pregnant=True)
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is PersonError
    assert str(clone) == str(info.value)
    assert clone.field == "pregnant"


def test_person_is_frozen_and_hashable() -> None:
    p = Person(age_years=34, sex="female")
    with pytest.raises(ValueError, match="frozen"):
        p.sex = "male"  # type: ignore[misc]
    assert hash(p) == hash(Person(age_years=34, sex="F"))
    assert p == Person(age_years=34.0, sex="female")


def test_person_pickles_and_round_trips_json() -> None:
    p = Person(age_years=25, sex="female", pregnant=True, conditions=("celiac disease",))
    assert pickle.loads(pickle.dumps(p)) == p
    assert Person.model_validate_json(p.model_dump_json()) == p
    assert Person.model_validate(p.model_dump()) == p
    infant = Person(age_months=5, sex="male")
    assert Person.model_validate_json(infant.model_dump_json()) == infant


def test_str_describes_the_person() -> None:
    assert str(Person(age_years=34, sex="f")) == "female aged 34 years"
    assert str(Person(age_months=3, sex="m")) == "male aged 3 months"
    assert str(Person(age_years=25, sex="f", pregnant=True)) == "female aged 25 years, pregnant"


def test_numpy_values_from_a_dataframe_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    p = Person(age_years=np.float64(34.5), sex="female", pregnant=np.bool_(True))
    assert p.age_years == 34.5
    assert p.pregnant is True
    assert Person(age_months=np.int64(9), sex="m").age_in_months == 9
    with pytest.raises(PersonError, match="bool"):
        Person(age_years=np.bool_(True), sex="female")


@given(
    age=st.floats(min_value=0, max_value=124.999, allow_nan=False),
    sex=st.sampled_from(["female", "male", "F", "m"]),
)
def test_any_plausible_age_round_trips(age: float, sex: str) -> None:
    p = Person(age_years=age, sex=sex)
    assert p.age_in_months == pytest.approx(age * 12)
    assert Person.model_validate_json(p.model_dump_json()) == p
    assert pickle.loads(pickle.dumps(p)) == p


@given(age=st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=125), st.just(math.nan)))
def test_implausible_ages_are_refused(age: float) -> None:
    with pytest.raises(PersonError) as info:
        Person(age_years=age, sex="female")
    assert info.value.field == "age_years"
