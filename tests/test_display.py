"""Rich display in Jupyter, readable text, and pandas conversion."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

import magcalc
from magcalc import Intake, Person, Supplement, assess


@pytest.fixture(scope="module")
def report() -> magcalc.Assessment:
    intake = Intake()
    intake.add_food("11458", "1 cup", day=1)
    intake.add_food("12061", "1 oz", day=2)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=200), day=None)
    return assess(intake, Person(age_years=34, sex="female"))


def test_assessment_html(report: magcalc.Assessment) -> None:
    html = report._repr_html_()
    assert html.count("<table") == 2
    assert "Spinach, cooked, boiled" in html
    assert "RDA [mg/day]" in html
    assert "Institute of Medicine" in html


def test_html_escapes_user_text() -> None:
    intake = Intake()
    intake.add_supplement(Supplement(form="oxide", elemental_mg=10, label="<script>x</script>"))
    html = assess(intake, Person(age_years=30, sex="male"))._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_food_search_and_references_html() -> None:
    food = magcalc.get_food("11458")
    assert "1 cup (180 g)" in food._repr_html_()
    hits = magcalc.search_foods("kale", limit=3)
    assert hits._repr_html_().count("<tr>") == 4  # header + 3 hits
    assert isinstance(hits, list)
    refs = magcalc.reference_values(Person(age_years=34, sex="female"))
    assert "320" in refs._repr_html_()
    assert "MgO" in magcalc.get_form("oxide")._repr_html_()


def test_to_dataframe(report: magcalc.Assessment) -> None:
    items = report.to_dataframe()
    assert isinstance(items, pd.DataFrame)
    assert len(items) == 3
    assert items["per_day_mg"].sum() == pytest.approx(report.total_mg.magnitude)
    days = report.to_dataframe("days")
    assert list(days["day"]) == [1, 2]
    summary = report.to_dataframe("summary")
    assert summary.loc[0, "total_mg"] == pytest.approx(report.total_mg.magnitude)
    hits = magcalc.search_foods("almonds", limit=2).to_dataframe()
    assert list(hits.columns)[:3] == ["score", "fdc_id", "ndb_number"]
    with pytest.raises(magcalc.InputError):
        report.to_dataframe("nope")  # type: ignore[arg-type]


def test_missing_pandas_gives_a_clear_error(
    report: magcalc.Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(magcalc.MissingDependencyError, match=r"magcalc\[pandas\]") as info:
        report.to_dataframe()
    assert isinstance(info.value, ImportError)


def test_missing_matplotlib_gives_a_clear_error(
    report: magcalc.Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(magcalc.MissingDependencyError, match=r"magcalc\[plot\]"):
        report.plot()


def test_text(report: magcalc.Assessment) -> None:
    text = str(report)
    assert "females 31-50 y" in text
    assert "RDA" in text
    assert str(magcalc.search_foods("kale", limit=1)).strip().endswith("Mg/100 g)")
