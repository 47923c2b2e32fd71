"""The command line: readable output, --json, one-line errors with a non-zero status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import magcalc
from magcalc.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_search(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "search", "spinach boiled", "--limit", "3")
    assert status == 0
    assert "Spinach, cooked, boiled, drained, without salt" in out.splitlines()[1]
    status, out, _ = run(capsys, "search", "kale", "--json")
    assert status == 0
    assert json.loads(out)[0]["food"]["description"].startswith("Kale")


def test_food(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "food", "11458", "1/2", "cup")
    assert status == 0
    assert "78.3 mg" in out  # 0.5 x 180 g x 87 mg/100 g
    status, out, _ = run(capsys, "food", "11458", "1 cup", "--json")
    assert json.loads(out)["magnesium_mg"] == pytest.approx(156.6)


def test_forms(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "forms")
    assert status == 0
    assert "MgO" in out
    assert "60.30" in out
    assert len(json.loads(run(capsys, "forms", "--json")[1])) == len(magcalc.supplement_forms())


def test_targets(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "targets", "--age", "34", "--sex", "female")
    assert status == 0
    assert "320 mg/day" in out  # IOM 1997 RDA, women 31-50
    data = json.loads(run(capsys, "targets", "--age-months", "3", "--sex", "male", "--json")[1])
    assert data["ai_mg"] == 30  # IOM 1997 AI, 0-6 months


def test_assess_from_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "assess", "--age", "34", "--sex", "female",
        "--food", "spinach boiled", "1 cup", "--supplement", "citrate", "200",
        "--supplement-compound", "oxide", "250", "--json",
    )  # fmt: skip
    assert status == 0
    data = json.loads(out)
    oxide = 250 * 0.6030  # MgO is 60.30 % Mg (magnesium.md section 3)
    assert data["supplemental_mg"] == pytest.approx(200 + oxide, abs=0.05)
    assert data["exceeds_ul"] is True  # 350.8 > 350


def test_assess_diary(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "assess", "--diary", str(ROOT / "examples" / "diary.csv"), "--age", "34",
        "--sex", "female",
    )  # fmt: skip
    assert status == 0
    assert "3 day(s) recorded" in out
    assert "P(adequate)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["food", "zzqqxx", "1 cup"], "no food matches"),
        (["food", "11458", "2 blorps"], "unknown unit"),
        (["food", "11458", "-1 cup"], "negative"),
        (["targets", "--age", "-3", "--sex", "female"], "age"),
        (["targets", "--age", "30", "--sex", "male", "--pregnant"], "pregnan"),
        (["assess", "--age", "30", "--sex", "female"], "nothing to assess"),
        (
            ["assess", "--age", "30", "--sex", "female", "--supplement", "oxide", "x"],
            "not a number",
        ),
        (
            ["assess", "--age", "30", "--sex", "female", "--supplement", "unobtainium", "5"],
            "unknown supplement form",
        ),
        (["assess", "--age", "30", "--sex", "female", "--diary", "/no/such.csv"], "no diary file"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, *args)
    assert status == 1
    assert out == ""
    assert err.startswith("magcalc: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_python_dash_m_and_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "magcalc", "food", "almonds", "1 oz"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "76.5 mg" in done.stdout  # 28.349523125 g x 270 mg/100 g
    usage = subprocess.run([sys.executable, "-m", "magcalc"], capture_output=True, text=True)
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr


def test_unknown_framework_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """The frameworks are argparse choices now, so a wrong one is a usage error (exit 2)."""
    status, out, err = run(
        capsys, "targets", "--age", "30", "--sex", "female", "--framework", "XYZ"
    )
    assert (status, out) == (2, "")
    assert err.startswith("usage: magcalc targets")
    assert "invalid choice: 'XYZ'" in err and "'IOM1997'" in err


def test_suggest_and_assess_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "suggest", "150", "--exclude", "nut allergy", "--limit", "3")
    assert status == 0
    assert out.startswith("To add about 150 mg a day")
    status, out, _ = run(
        capsys, "assess", "--age", "74", "--sex", "female", "--condition", "ppi",
        "--food", "11458", "1/2 cup", "--suggest",
    )  # fmt: skip
    assert status == 0
    assert "long-term proton-pump inhibitor use" in out
    assert "Food and Drug Administration" in out
    assert "foods first" in out
    assert "limit" in out
    data = json.loads(
        run(capsys, "assess", "--age", "34", "--sex", "female", "--food", "11458", "1 cup",
            "--suggest", "--json")[1]
    )  # fmt: skip
    assert data["summary"].startswith("From food you get about 157 mg")
    assert data["supplement_advice"]["gap_mg"] == pytest.approx(320 - 156.6)  # RDA - food
