"""magcalc's on-disk cache folder and atomic, self-healing cache files.

The bundled food table and its search index take ~0.2 s to parse and build; a
process that finds them cached loads them in ~30 ms. Entries are keyed by a
sha256 of everything they derive from (data files, the ranking code, the Python
and magcalc versions), written atomically (temporary file + ``os.replace``), and
a corrupt or unreadable entry is ignored and rebuilt. A read-only or full cache
folder only costs speed: magcalc then works without the cache, with one warning.

The folder is ``platformdirs.user_cache_dir("magcalc")``, or ``$MAGCALC_CACHE_DIR``;
``MAGCALC_CACHE_DIR=off`` disables it.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cached", "warn_once"]

_warned: set[str] = set()
_warn_lock = threading.Lock()


def warn_once(key: str, message: str) -> None:
    """Issue a RuntimeWarning once per process for ``key``."""
    with _warn_lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def cache_dir() -> Path | None:
    """The cache folder, or None when disabled with ``MAGCALC_CACHE_DIR=off``."""
    configured = os.environ.get("MAGCALC_CACHE_DIR")
    if configured is not None:
        if configured.strip().lower() in ("", "0", "off", "none", "false"):
            return None
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("magcalc", appauthor=False))


def cached(name: str, key: str, build: Callable[[], Any]) -> Any:
    """
    Load ``name``/``key`` from the cache, or build it and store it atomically.

    ``build`` must return plain containers (marshal can store them; like .pyc files,
    the format belongs to this Python version, which is part of ``key``).
    """
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / name / f"{key}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"
    try:
        data = path.read_bytes()
    except OSError:
        pass
    else:
        # ~100k small acyclic containers: cyclic GC passes while loading only cost time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            pass  # corrupt or truncated: rebuilt and overwritten below
        finally:
            if was_enabled:
                gc.enable()
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(value))
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
    return value
