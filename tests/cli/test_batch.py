"""``magcalc batch`` (magcalc.cli.batch) on CSV and Parquet files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from magcalc import DiaryError
from magcalc.errors import InputError, MagcalcError

pd = pytest.importorskip("pandas")


def _run_cli(*argv: str) -> int:
    from magcalc.cli import batch as _cli_batch

    parser = argparse.ArgumentParser()
    _cli_batch.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["batch", *argv])
    return int(args.func(args))


def _write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "person_id,day,food,amount,supplement,elemental_mg\n"
        "1,1,11458,1/2 cup,,\n"
        "1,2,almonds,1 oz,,\n"
        "1,all,,,citrate,100\n"
        "2,1,zzqx,1 cup,,\n"
        "2,mon,09040,1 medium,,\n"
        "3,1,01077,1 cup,,\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "person_id,age,sex,pregnant\n1,34,female,\n2,40,male,no\n3,0.5,male,\n", encoding="utf-8"
    )
    return diary, people


def test_cli_batch_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diary, people = _write_inputs(tmp_path)
    out = tmp_path / "results.csv"
    assert _run_cli(str(diary), str(people), "-o", str(out), "--progress") == 0
    captured = capsys.readouterr()
    assert (
        "people" in captured.out and "person-days" in captured.out and "below EAR" in captured.out
    )
    assert "females 31-50 y" in captured.out
    assert "reading diary.csv" in captured.err
    assert "1 row(s) rejected" in captured.err
    results = pd.read_csv(out, dtype={"person_id": str})
    assert results["person_id"].tolist() == ["1", "2", "3"]
    assert results["total_mg"].round(1).tolist() == [177.4, 31.9, 24.4]
    errors = pd.read_csv(tmp_path / "results.errors.csv")
    assert errors["row"].tolist() == [4]
    days = pd.read_csv(tmp_path / "results.days.csv", dtype={"day": str})
    assert days["day"].tolist() == ["1", "2", "mon", "1"]


def test_cli_batch_parquet_and_raise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow")
    diary, people = _write_inputs(tmp_path)
    out = tmp_path / "results.parquet"
    assert _run_cli(str(diary), str(people), "-o", str(out)) == 0
    assert pd.read_parquet(out)["n_days"].tolist() == [2, 1, 1]
    assert pd.read_parquet(tmp_path / "results.days.parquet")["day"].tolist() == [
        "1",
        "2",
        "mon",
        "1",
    ]
    with pytest.raises(DiaryError, match=r"^row 4: no food matches 'zzqx'"):
        _run_cli(str(diary), str(people), "-o", str(out), "--errors", "raise")
    with pytest.raises(InputError, match=r"use a \.csv or \.parquet"):
        _run_cli(str(diary), str(people), "-o", str(tmp_path / "results.xlsx"))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="is empty"):
        _run_cli(str(empty), str(people), "-o", str(out))


def test_cli_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from magcalc.cli import batch as _cli_batch

    real = _cli_batch.importlib.import_module

    def fake(name: str, *args: Any) -> Any:
        if name == "pyarrow":
            raise ImportError("No module named 'pyarrow'")
        return real(name, *args)

    monkeypatch.setattr(_cli_batch.importlib, "import_module", fake)
    diary, people = _write_inputs(tmp_path)
    with pytest.raises(MagcalcError, match=r"needs pyarrow.*magcalc\[parquet\]"):
        _run_cli(str(diary), str(people), "-o", str(tmp_path / "r.parquet"))
