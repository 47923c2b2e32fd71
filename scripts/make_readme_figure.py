#!/usr/bin/env python3
"""Render docs/assessment.png, the plot shown in the README (the make demo diary)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from magcalc import Intake, Person, assess

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    report = assess(
        Intake.read(ROOT / "examples" / "diary.csv"), Person(age_years=34, sex="female")
    )
    ax = report.plot()
    ax.figure.savefig(ROOT / "docs" / "assessment.png", dpi=80)
    print("wrote docs/assessment.png")


if __name__ == "__main__":
    main()
