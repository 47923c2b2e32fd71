"""Plots render to PNG with what they should show (bars counted, sizes checked)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.image import imread

import magcalc
from magcalc import Intake, Person, Supplement, assess
from magcalc.plotting import plot_forms


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
    width, height = _png(ax.figure, tmp_path / "sources.png")
    assert width == 800  # 8 in x 100 dpi
    assert height == round(100 * (1.6 + 0.35 * 5))


def test_days_plot(report: magcalc.Assessment, tmp_path: Path) -> None:
    ax = report.plot("days")
    assert len(ax.patches) == 2 * report.n_days
    heights = [p.get_height() for p in ax.patches[:2]]
    assert heights == pytest.approx([d.food_mg for d in report.daily])
    _png(ax.figure, tmp_path / "days.png")


def test_forms_plot(tmp_path: Path) -> None:
    left, right = plot_forms()
    assert len(left.patches) == 15
    widths = sorted(p.get_width() for p in left.patches)
    assert widths[-1] == pytest.approx(500 * magcalc.get_form("oxide").elemental_fraction)
    assert len(right.lines) == 2 * 15 + 1  # a range and a central dot per form, the 1.0 line
    _png(left.figure, tmp_path / "forms.png")


def test_plot_kind_checked(report: magcalc.Assessment) -> None:
    with pytest.raises(magcalc.InputError):
        report.plot("pie")  # type: ignore[arg-type]
