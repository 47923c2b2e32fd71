"""The on-disk cache: reused, atomic, self-healing, optional."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from magcalc import _cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAGCALC_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_built_once_then_loaded(folder: Path) -> None:
    calls: list[int] = []

    def build() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    assert _cache.cached("t", "k", build) == [1, 2, 3]
    assert _cache.cached("t", "k", build) == [1, 2, 3]
    assert len(calls) == 1
    files = list((folder / "t").iterdir())
    assert len(files) == 1
    assert not files[0].name.startswith(".tmp-")  # nothing half-written is left


@pytest.mark.filterwarnings("ignore:magcalc's cache entry")
def test_corrupt_entry_is_rebuilt(folder: Path) -> None:
    _cache.cached("t", "k", lambda: {"a": 1})
    (entry,) = (folder / "t").iterdir()
    entry.write_bytes(b"\x00garbage")
    assert _cache.cached("t", "k", lambda: {"a": 2}) == {"a": 2}
    assert _cache.cached("t", "k", lambda: {"a": 3}) == {"a": 2}


def test_every_single_byte_flip_is_caught(folder: Path) -> None:
    """A flipped byte anywhere (a float 7.0 -> 7.083, "cooked" -> "c:oked") never yields
    a changed value: the entry does not verify, one warning, and it is rebuilt."""
    import warnings

    value = {"portion": 7.0, "text": "cooked", "ids": list(range(50))}
    _cache.cached("t", "k", lambda: value)
    (entry,) = (folder / "t").iterdir()
    good = entry.read_bytes()
    for at in range(0, len(good), max(1, len(good) // 40)):
        bad = bytearray(good)
        bad[at] ^= 0x01
        entry.write_bytes(bytes(bad))
        _cache._warned.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = _cache.cached("t", "k", lambda: value)
        assert got == value
        assert len(caught) == 1 and "does not verify" in str(caught[0].message)
        assert entry.read_bytes() == good  # rebuilt and rewritten whole


def test_a_fifo_in_place_of_an_entry_is_not_opened(folder: Path) -> None:
    """Opening a FIFO for reading blocks forever; it is skipped with a warning."""
    import sys as _sys

    key = "k"
    path = folder / "t" / f"{key}-py{_sys.version_info[0]}{_sys.version_info[1]}.marshal"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    with pytest.warns(RuntimeWarning, match="not a regular file"):
        assert _cache.cached("t", key, lambda: [1]) == [1]


def test_a_damaged_shipped_index_warns_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One flipped byte in the shipped index: not used (a warning), the CSVs are read."""
    import magcalc.foods.table as foods

    real = foods.data_file
    good = real(foods.INDEX_FILE).read_bytes()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0x01
    target = tmp_path / foods.INDEX_FILE
    target.write_bytes(bytes(bad))
    monkeypatch.setattr(
        foods, "data_file", lambda name: target if name == foods.INDEX_FILE else real(name)
    )
    monkeypatch.setattr(_cache, "_warned", set())
    with pytest.warns(RuntimeWarning, match="does not verify"):
        assert foods._shipped_state("any key") is None


def test_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAGCALC_CACHE_DIR", "off")
    assert _cache.cache_dir() is None
    assert _cache.cached("t", "k", lambda: 5) == 5


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_folder_warns_once_and_works(folder: Path) -> None:
    folder.chmod(0o500)
    try:
        with pytest.warns(RuntimeWarning, match="cannot write its cache"):
            assert _cache.cached("t", "k", lambda: 7) == 7
    finally:
        folder.chmod(0o700)


def test_unwritable_cache_path_warns_and_lookups_work(tmp_path: Path) -> None:
    """A cache 'folder' that is a file cannot be written: one warning, same answers."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    # As in a development checkout whose shipped index is stale: the cache is needed.
    code = (
        "import warnings, magcalc, magcalc.foods.table; warnings.simplefilter('always');"
        "magcalc.foods.table._shipped_state = lambda key: None;"
        "print(magcalc.get_food('11458').magnesium_mg_per_100g)"
    )
    env = {**os.environ, "MAGCALC_CACHE_DIR": str(blocker / "sub")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "87.0"
    assert done.stderr.count("cannot write its cache") == 1


def test_shipped_index_needs_no_cache(tmp_path: Path) -> None:
    """With the index shipped beside the data, an unwritable cache costs nothing: no
    warning, no file written."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = (
        "import warnings, magcalc; warnings.simplefilter('always');"
        "print(magcalc.get_food('11458').magnesium_mg_per_100g)"
    )
    env = {**os.environ, "MAGCALC_CACHE_DIR": str(blocker / "sub")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "87.0"
    assert "cannot write its cache" not in done.stderr


def test_cached_table_equals_fresh_build(root: Path) -> None:
    """The table and index loaded from the cache rank exactly like a fresh build."""
    from magcalc.foods import FoodTable

    cached = FoodTable.default()
    data = root / "src" / "magcalc" / "data"
    fresh = FoodTable(data / "foods.csv", data / "portions.csv")
    for query in ["spinach boiled", "cheddar cheese", "soy milk", "bananna", "big mac"]:
        assert cached.index.rank(query)[:10] == fresh.index.rank(query)[:10]


@pytest.mark.filterwarnings("ignore:magcalc's shipped food index")
@pytest.mark.parametrize("content", [b"", b"\x80\x04garbage", b"not a pickle at all"])
def test_damaged_shipped_index_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    """A truncated or damaged shipped index is ignored (the table is built instead)."""
    import magcalc.foods.table as foods

    bad = tmp_path / foods.INDEX_FILE
    bad.write_bytes(content)
    real = foods.data_file
    monkeypatch.setattr(
        foods, "data_file", lambda name: bad if name == foods.INDEX_FILE else real(name)
    )
    assert foods._shipped_state("any key") is None
