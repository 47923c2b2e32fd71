"""Plots render to PNG with what they should show (bars counted, sizes checked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.image import imread
from matplotlib.patches import Rectangle

import magcalc
from magcalc import Intake, Person, Supplement, assess
from magcalc.views.plotting import LABEL_WIDTH, _sources, plot_forms, wrap_label


@pytest.fixture
def report() -> magcalc.Assessment:
    intake = Intake()
    intake.add_food("11458", "1 cup", day=1)
    intake.add_food("12061", "1 oz", day=1)
    intake.add_food("11458", "1/2 cup", day=2)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=200), day=None)
    return assess(intake, Person(age_years=34, sex="female"))


def _png(fig: plt.Figure, path: Path) -> tuple[int, int]:
    fig.savefig(path, dpi=100)
    plt.close(fig)
    assert path.stat().st_size > 5_000
    image = imread(path)
    assert image.std() > 0.01  # not a blank canvas
    return image.shape[1], image.shape[0]


def _overlaps(a: Any, b: Any) -> bool:
    return bool(a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1)


def _legend_clear_of_bars(ax: Any) -> None:
    ax.figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    assert not any(_overlaps(box, p.get_window_extent()) for p in ax.patches)


def test_sources_plot(report: magcalc.Assessment, tmp_path: Path) -> None:
    ax = report.plot()
    # sources: spinach, almonds, the supplement (3), + "all supplements" + 2 stacked total parts
    assert len(ax.patches) == 3 + 1 + 2
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-2:] == ["all supplements", "total"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "RDA 320" in legend
    assert "EAR 265" in legend
    assert "UL (supplements) 350" in legend
    # Bars are means per day, and say so: on the axis and at each bar's end.
    assert "mean per day" in ax.get_xlabel() and "[mg/day]" in ax.get_xlabel()
    assert "mean per day" in ax.get_title()
    means = {round(v) for _, _, v in _sources(report)}
    assert means <= {int(t.get_text()) for t in ax.texts if t.get_text().strip().isdigit()}
    _legend_clear_of_bars(ax)
    width, height = _png(ax.figure, tmp_path / "sources.png")
    assert width == 800  # 8 in x 100 dpi
    extra = sum(label.count("\n") for label in labels)  # lines past the first of long names
    assert extra >= 1 and height == round(100 * (1.6 + 0.35 * 5 + 0.15 * extra))


def test_sources_plot_wraps_names_and_skips_empty_supplement_row() -> None:
    long_name = (
        "Rice, brown, medium-grain, raw (Includes foods for USDA's Food Distribution Program)"
    )
    intake = Intake()
    intake.add_food(long_name, "1 cup")
    intake.add_food("11458", "1 cup")
    ax = assess(intake, Person(age_years=34, sex="female")).plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "all supplements" not in labels  # no supplements, no empty row
    assert len(ax.patches) == 2 + 1
    rice = next(label for label in labels if label.startswith("Rice"))
    assert "\n" in rice and rice.replace("\n", " ") == long_name  # wrapped, no word cut
    assert all(len(line) <= LABEL_WIDTH for line in rice.splitlines())
    assert "…" not in "".join(labels)
    _legend_clear_of_bars(ax)
    plt.close(ax.figure)


def test_wrap_label_breaks_between_words() -> None:
    assert wrap_label("short") == "short"
    text = wrap_label("Cereals ready-to-eat, GENERAL MILLS, CHEERIOS", 24)
    assert text.replace("\n", " ") == "Cereals ready-to-eat, GENERAL MILLS, CHEERIOS"
    assert "ready-to-eat," in text.split("\n")[0]  # not broken at the hyphens


def test_days_plot(report: magcalc.Assessment, tmp_path: Path) -> None:
    ax = report.plot("days")
    assert len(ax.patches) == 2 * report.n_days
    heights = [p.get_height() for p in ax.patches[:2]]
    assert heights == pytest.approx([d.food_mg for d in report.daily])
    # The title's unit is the axis's unit (and the target lines' unit).
    assert "[mg/day]" in ax.get_ylabel() and "mg/day" in ax.get_title()
    _legend_clear_of_bars(ax)
    _png(ax.figure, tmp_path / "days.png")


def test_forms_plot(tmp_path: Path) -> None:
    result = plot_forms()
    assert isinstance(result, tuple) and len(result) == 2
    assert all(isinstance(a, Axes) for a in result)  # as the docstring says
    left, right = result
    forms = magcalc.supplement_forms()
    n = len(forms)
    assert len(left.patches) == n
    widths = sorted(p.get_width() for p in left.patches)
    assert widths[-1] == pytest.approx(500 * magcalc.get_form("oxide").elemental_fraction)
    # The evidence panel: one box per group of forms sharing their evidence, not n
    # identical ranges; each group is labelled once with its size.
    groups = {
        (f.absorption.low, f.absorption.central, f.absorption.high, f.absorption.verified)
        for f in forms
    }
    boxes = [p for p in right.patches if isinstance(p, Rectangle)]
    assert 1 < len(boxes) == len(groups) < n
    counts = [int(t.get_text().split("\n")[1].split()[0]) for t in right.texts]
    assert sum(counts) == n and len(counts) == len(groups)
    # Forms in a group are neighbours: each box spans exactly its forms' rows.
    assert sum(round(b.get_height() + 0.2) for b in boxes) == n
    _png(left.figure, tmp_path / "forms.png")


def test_forms_plot_checks_ax() -> None:
    fig, ax = plt.subplots()
    with pytest.raises(magcalc.InputError, match="pair of matplotlib Axes"):
        plot_forms(ax=ax)
    plt.close(fig)


def test_plot_kind_checked(report: magcalc.Assessment) -> None:
    with pytest.raises(magcalc.InputError):
        report.plot("pie")  # type: ignore[arg-type]
