"""Rich display in Jupyter, readable text, and pandas conversion."""

from __future__ import annotations

import html
import pickle
import re
import sys
from html.parser import HTMLParser

import pandas as pd
import pytest

import magcalc
from magcalc import Intake, Person, Supplement, assess
from magcalc._optional import dataframe
from magcalc.suggestions import SupplementAdvice
from magcalc.views._common import TEXT_WIDTH
from magcalc.views.html import matches_html, serving_html
from magcalc.views.text import assessment_text


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


# --------------------------------------------------------------------------- views that agree


class _Cells(HTMLParser):
    """Every <td>/<th> with its inline style and text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._open = [tag, dict(attrs).get("style") or "", ""]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._open is not None:
            self.cells.append((self._open[0], self._open[1], self._open[2]))
            self._open = None


def _cells(markup: str) -> list[tuple[str, str, str]]:
    parser = _Cells()
    parser.feed(markup)
    assert parser.cells, "no table cells"
    return parser.cells


def _advice() -> SupplementAdvice:
    intake = Intake()
    for day in (1, 2, 3):
        intake.add_food("09040", "1 medium", day=day)
    return assess(intake, Person(age_years=30, sex="male")).supplement_advice()


def _views(report: magcalc.Assessment) -> dict[str, str]:
    return {
        "assessment": report._repr_html_(),
        "food": magcalc.get_food("11458")._repr_html_(),
        "search": magcalc.search_foods("kale", limit=3)._repr_html_(),
        "references": magcalc.reference_values(Person(age_years=34, sex="female"))._repr_html_(),
        "form": magcalc.get_form("oxide")._repr_html_(),
        "forms": magcalc.supplement_forms()._repr_html_(),
        "advice": _advice()._repr_html_(),
        "person": Person(age_years=34, sex="female")._repr_html_(),
        "serving": serving_html(magcalc.serving("1 oz organic almonds")),
    }


def test_every_cell_carries_its_alignment(report: magcalc.Assessment) -> None:
    # JupyterLab right-aligns output cells with `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon
    # td` (more specific than a class) and sanitisers drop <style>: only inline styles hold.
    for name, markup in _views(report).items():
        assert "<style" not in markup, name
        for tag, style, text in _cells(markup):
            assert re.search(r"text-align:(left|right)", style), (name, tag, text)
            if re.fullmatch(r"-?[\d,]+\.\d+", text.strip()):  # measured values
                assert "text-align:right" in style, (name, tag, text)
        assert 'style="' in markup.split("<table", 1)[1].split(">", 1)[0], name


def test_supplement_forms_is_a_list_with_a_table() -> None:
    forms = magcalc.supplement_forms()
    assert isinstance(forms, list) and forms == list(forms) and forms[:1] == [forms[0]]
    assert pickle.loads(pickle.dumps(forms)) == forms
    markup = forms._repr_html_()
    assert markup.count("<tr>") == len(forms) + 1
    assert "MgO" in markup and "60.30" in markup


def test_a_search_with_no_matches_says_so() -> None:
    text = html.unescape(matches_html([], "xqzzv"))
    assert "No foods match 'xqzzv'" in text and "<table" not in text
    hits = magcalc.search_foods("xqzzv")
    if not hits:  # the results type carries the query, so its view can name it
        assert "No foods match 'xqzzv'" in html.unescape(hits._repr_html_())


def test_advice_person_and_serving_tables() -> None:
    advice = _advice()
    markup = html.unescape(advice._repr_html_())
    assert advice.message in markup
    assert advice.cautions and all(c in markup for c in advice.cautions)
    assert "suggested dose, elemental [mg/day]" in markup and "<table" in markup
    person = Person(age_years=50, sex="male", conditions=["PPI"])._repr_html_()
    assert "50 years" in person and "males 31-50 y" in person
    assert "long-term proton-pump inhibitor use" in person
    almonds = html.unescape(serving_html(magcalc.serving("1 oz organic almonds")))
    assert "Nuts, almonds" in almonds and "organic" in almonds and "28.3" in almonds


def test_text_view_lines_up_and_wraps_at_words() -> None:
    long_name = (
        "Rice, brown, medium-grain, raw (Includes foods for USDA's Food Distribution Program)"
    )
    intake = Intake()
    intake.add_food("11458", "1 cup", day=1)
    intake.add_food(long_name, "1 cup", day="2026-11-25")
    intake.add_supplement(Supplement(form="oxide", compound_mg=500), day=None)
    report = assess(intake, Person(age_years=50, sex="male", conditions=["PPI"]))
    text = assessment_text(report)
    lines = text.splitlines()
    assert all(len(line) <= TEXT_WIDTH for line in lines), max(lines, key=len)
    # Conclusion and risk notes before the figures.
    assert text.index("proton-pump") < text.index("  food ")
    # Figures: one column of values, right-aligned, then the unit.
    starts = ("food", "supplements,", "total", "RDA", "EAR", "UL,", "absorbed,")
    figures = [line for line in lines if line[2:].startswith(starts)]
    ends = {line.index("  mg/day") for line in figures}
    assert len(figures) == len(starts) and len(ends) == 1
    p_line = next(line for line in lines if line.startswith("  P(adequate)"))
    assert p_line.index("%") + 1 == ends.pop()  # "over 99%" ends where "320" ends
    # Items: the day label fits its column and long names wrap between words.
    header = next(line for line in lines if line.lstrip().startswith("day "))
    item_col = header.index("item")
    row = next(line for line in lines if line.startswith("  2026-11-25"))
    assert row[item_col:].startswith("Rice, brown")
    parts = [row[item_col:].split("  ")[0]]
    for line in lines[lines.index(row) + 1 :]:
        if not line.startswith(" " * item_col) or not line.strip():
            break
        parts.append(line.strip())
    assert len(parts) > 1 and " ".join(parts) == long_name  # wrapped, every word whole


def test_dataframe_nullable_int() -> None:
    rows = [{"day": 1, "fdc_id": 168463}, {"day": None, "fdc_id": None}]
    frame = dataframe(rows, ["day", "fdc_id"], nullable_int=("day", "fdc_id", "absent"))
    assert str(frame["day"].dtype) == "Int64" and str(frame["fdc_id"].dtype) == "Int64"
    assert frame["fdc_id"].iloc[0] == 168463 and frame["fdc_id"].isna().iloc[1]
    labelled = dataframe([{"day": 1}, {"day": "2026-11-25"}], nullable_int=("day",))
    assert labelled["day"].dtype == object and list(labelled["day"]) == [1, "2026-11-25"]
    plain = dataframe([{"day": 1.5}], nullable_int=("day",))
    assert plain["day"].dtype == float
