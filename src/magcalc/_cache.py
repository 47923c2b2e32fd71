"""magcalc's on-disk cache folder and atomic, self-healing cache files.

The bundled food table and its search index ship built
(``magcalc/data/foods_index.pickle``); in a development checkout whose code or data
changed since, they are built once and kept here. Entries are keyed by a sha256 of
everything they derive from (data files, the search code, the Python and magcalc
versions), carry a sha256 of their own bytes, are written atomically (temporary file +
``os.replace``), and an entry that does not verify is rebuilt with one warning; a FIFO or
other non-file in its place is never opened. A read-only or full cache folder only costs
speed: magcalc then works without the cache, with one warning.

The folder is ``platformdirs.user_cache_dir("magcalc")``, or ``$MAGCALC_CACHE_DIR``;
``MAGCALC_CACHE_DIR=off`` disables it.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import stat
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cached", "load_entry", "store_entry", "warn_once"]

_warned: set[str] = set()
_warn_lock = threading.Lock()


def warn_once(key: str, message: str) -> None:
    """Issue a RuntimeWarning once per process for ``key``."""
    with _warn_lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(message, RuntimeWarning, stacklevel=3)


# A cache entry is this header, the sha256 of the payload, then the marshal payload: a
# flipped byte anywhere is found before a value is used.
_MAGIC = b"magcalc-cache 2\n"


def _sealed(value: Any) -> bytes:
    payload = marshal.dumps(value)
    return _MAGIC + hashlib.sha256(payload).digest() + payload


def _verified(data: bytes) -> tuple[Any, bool]:
    """(value, True) for an entry whose checksum verifies, else (None, False)."""
    head = len(_MAGIC) + 32
    if len(data) < head or not data.startswith(_MAGIC):
        return None, False
    digest, payload = data[len(_MAGIC) : head], data[head:]
    if hashlib.sha256(payload).digest() != digest:
        return None, False
    # ~100k small acyclic containers: cyclic GC passes while loading only cost time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return marshal.loads(payload), True
    except (EOFError, ValueError, TypeError):
        return None, False
    finally:
        if was_enabled:
            gc.enable()


def cache_dir() -> Path | None:
    """The cache folder, or None when disabled with ``MAGCALC_CACHE_DIR=off``."""
    configured = os.environ.get("MAGCALC_CACHE_DIR")
    if configured is not None:
        if configured.strip().lower() in ("", "0", "off", "none", "false"):
            return None
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("magcalc", appauthor=False))


def _entry_path(folder: Path, name: str, key: str) -> Path:
    return folder / name / f"{key}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"


def _read(path: Path) -> tuple[Any, bool]:
    """(value, True) for an entry that verifies; (None, False) when absent, odd or bad
    (odd and bad ones with one warning)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None, False
    if not stat.S_ISREG(mode):
        # A FIFO, socket or device in its place is never opened (reading a FIFO blocks).
        warn_once(
            f"cache-odd:{path}",
            f"magcalc's cache entry {path} is not a regular file; it is left alone and the "
            "table is built without it. Remove it, or set MAGCALC_CACHE_DIR.",
        )
        return None, False
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    value, ok = _verified(data)
    if not ok:
        warn_once(
            f"cache-bad:{path}",
            f"magcalc's cache entry {path} does not verify (damaged or from another "
            "version); it is rebuilt from the bundled data.",
        )
    return value, ok


def _write(folder: Path, path: Path, value: Any) -> None:
    """Store ``value`` at ``path`` atomically; a folder that cannot be written only
    costs speed (one warning)."""
    if path.exists() and not path.is_file():
        return  # an odd file is left alone (warned about when read)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_sealed(value))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        warn_once(
            f"cache:{folder}",
            f"magcalc cannot write its cache in {folder} ({err.strerror or err}); it works "
            "without it, only slower to start. Set MAGCALC_CACHE_DIR to a writable folder "
            "or to 'off'.",
        )


def cached(name: str, key: str, build: Callable[[], Any]) -> Any:
    """
    Load ``name``/``key`` from the cache, or build it and store it atomically.

    ``build`` must return plain containers (marshal can store them; like .pyc files,
    the format belongs to this Python version, which is part of ``key``).
    """
    folder = cache_dir()
    if folder is None:
        return build()
    path = _entry_path(folder, name, key)
    value, ok = _read(path)
    if ok:
        return value
    if path.exists() and not path.is_file():
        return build()
    value = build()
    _write(folder, path, value)
    return value


def load_entry(name: str, key: str) -> Any:
    """The value stored as ``name``/``key`` (see :func:`store_entry`), or None."""
    folder = cache_dir()
    if folder is None:
        return None
    value, ok = _read(_entry_path(folder, name, key))
    return value if ok else None


def store_entry(name: str, key: str, value: Any) -> None:
    """Store plain containers as ``name``/``key``, atomically (replacing what was there)."""
    folder = cache_dir()
    if folder is not None:
        _write(folder, _entry_path(folder, name, key), value)
