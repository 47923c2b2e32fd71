"""The FDC client's HTTP cache: a requests-cache SQLite file that keeps only valid food data.

The folder is magcalc's cache folder (:func:`magcalc._cache.cache_dir`) unless a
client is given another. The cache repairs itself: a corrupt file is deleted and
recreated; a file that cannot be written (full disk, read-only file or folder) is
read but not written (:class:`ReadOnlyResponses`); a folder that cannot be used at
all, or a cache that breaks while in use, means no cache. Each gives one
:class:`~magcalc.fdc.FdcCacheWarning`. :class:`CacheFilter` decides what is kept: a
404, or a 200 that parses as the food data asked for, never an answer that quotes the
key.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from magcalc._cache import cache_dir
from magcalc._util import shown
from magcalc.errors import InputError
from magcalc.fdc._answers import parser_for
from magcalc.fdc._secrets import Secret
from magcalc.fdc._transport import current_call
from magcalc.fdc._warnings import FdcCacheWarning

__all__ = [
    "CACHE_FILE",
    "CacheFilter",
    "ReadOnlyResponses",
    "cache_folder",
    "check_saved",
    "forget",
    "open_cache",
    "user_stacklevel",
    "without_cache",
]

CACHE_FILE = "fdc.sqlite"
#: Headers and parameters requests-cache leaves out of cache keys and redacts when storing.
IGNORED_PARAMETERS = ("X-Api-Key", "X-API-Key", "x-api-key", "api_key")
_PACKAGE = __name__.rpartition(".")[0]  # magcalc.fdc


def user_stacklevel() -> int:
    """The stacklevel that points a warning at the first caller outside ``magcalc.fdc``."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and _in_package(frame.f_globals.get("__name__")):
        frame = frame.f_back
        level += 1
    return level


def _in_package(name: object) -> bool:
    return isinstance(name, str) and (name == _PACKAGE or name.startswith(_PACKAGE + "."))


def cache_folder(cache: Any) -> Path | None:
    """
    The folder a client's ``cache=`` argument names, or None for no cache.

    True is magcalc's cache folder (None when ``MAGCALC_CACHE_DIR=off``); False and
    None are no cache; a path is that folder.

    Raises
    ------
    InputError
        If `cache` is none of these.
    """
    if cache is True:
        return cache_dir()
    if cache in (False, None):
        return None
    text = os.fspath(cache) if isinstance(cache, (str, os.PathLike)) else None
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise InputError(
            f"cache must be True, False or a folder path, not {shown(cache)}", field="cache"
        )
    return Path(text).expanduser()


# --------------------------------------------------------------------------- a file to read


def _write_problem(path: Path) -> str | None:
    """
    Why SQLite cannot write the cache file `path` (a full disk, a read-only file), or None.

    Tried before requests-cache opens the file: requests-cache rolls back a failed
    write without a word, and waits forever for a write lock on a database that
    SQLite opens read-only.
    """
    try:
        con = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    except sqlite3.Error as err:
        return str(err)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("CREATE TABLE magcalc_write_probe (x)")  # rolled back: nothing stays
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            return None  # another process is writing it, so it can be written
        return str(err)
    except sqlite3.DatabaseError:
        return None  # not a database at all: the caller deletes and recreates it
    finally:
        con.close()
    return None


class ReadOnlyResponses(MutableMapping[str, Any]):
    """
    The responses table of a requests-cache SQLite file that cannot be written, read-only.

    Answers got since are kept in memory, so they are not asked twice while the
    client lives; nothing is written to the file.
    """

    def __init__(self, path: Path) -> None:
        from requests_cache.serializers import init_serializer, pickle_serializer

        # The SQLite backend's format; requests-cache also puts its name in cache keys.
        self.serializer: Any = init_serializer(pickle_serializer, False)
        self._con = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        try:
            self.stored = int(self._query("SELECT count(*) FROM responses")[0])
        except sqlite3.Error:
            self._con.close()
            raise
        self._new: dict[str, Any] = {}
        self._gone: set[str] = set()

    def _query(self, sql: str, *args: Any) -> Any:
        with self._lock:
            return self._con.execute(sql, args).fetchone()

    def _load(self, key: str, blob: Any) -> Any:
        try:
            value = self.serializer.loads(blob)
        except Exception:  # written by another requests-cache version: a miss
            return None
        with contextlib.suppress(AttributeError):
            value.cache_key = key
        return value

    def __getitem__(self, key: str) -> Any:
        if key in self._gone:
            raise KeyError(key)
        if key in self._new:
            return self._load(key, self._new[key])
        try:
            row = self._query("SELECT value FROM responses WHERE key=?", key)
        except sqlite3.Error:
            row = None  # unreadable now: a miss, asked again
        if row is None:
            raise KeyError(key)
        return self._load(key, row[0])

    def __setitem__(self, key: str, value: Any) -> None:
        self._new[key] = self.serializer.dumps(value)
        self._gone.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._new.pop(key, None)
        self._gone.add(key)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            stored = [row[0] for row in self._con.execute("SELECT key FROM responses")]
        keys = dict.fromkeys([*stored, *self._new])
        return iter([k for k in keys if k not in self._gone])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def bulk_delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            with contextlib.suppress(KeyError):
                del self[key]

    def close(self) -> None:
        with self._lock:
            self._con.close()


def _read_only_backend(path: Path) -> Any:
    """A requests-cache backend that reads `path` and writes nowhere."""
    from requests_cache.backends.base import BaseCache, DictStorage

    cache = BaseCache(cache_name=str(path))
    cache.responses = ReadOnlyResponses(path)  # type: ignore[assignment]
    cache.redirects = DictStorage()  # type: ignore[no-untyped-call]  # no redirects are followed
    return cache


# --------------------------------------------------------------------------- opening


def _session(
    path: Path,
    expire_after: timedelta | float,
    filter_fn: Callable[[requests.Response], bool],
    backend: Any = None,
) -> requests.Session:
    """A requests-cache session on the SQLite file `path`, or on `backend` when given."""
    import requests_cache

    where: dict[str, Any] = (
        {"cache_name": str(path), "backend": "sqlite"} if backend is None else {"backend": backend}
    )
    session: requests.Session = requests_cache.CachedSession(
        **where,
        expire_after=expire_after,
        allowable_codes=(200, 404),
        allowable_methods=("GET",),
        ignored_parameters=IGNORED_PARAMETERS,
        match_headers=False,
        cache_control=False,
        filter_fn=filter_fn,
    )
    return session


def open_cache(
    folder: Path,
    *,
    expire_after: timedelta | float,
    filter_fn: Callable[[requests.Response], bool],
) -> tuple[requests.Session, Path, bool] | None:
    """
    A requests-cache session in `folder`, its file and whether it is read-only.

    None (with one warning) when the folder cannot be used at all; a corrupt file is
    deleted and recreated, and a file that cannot be written is opened read-only,
    each with one warning.
    """
    path = folder / CACHE_FILE

    def build() -> requests.Session:
        session = _session(path, expire_after, filter_fn)
        len(session.cache.responses)  # type: ignore[attr-defined]  # reads the file
        return session

    try:
        folder.mkdir(parents=True, exist_ok=True)
        problem = _write_problem(path)
        if problem is not None:
            return _open_read_only(folder, path, problem, expire_after, filter_fn)
        try:
            session = build()
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as err:
            warnings.warn(
                f"the FoodData Central cache {path} is unreadable ({err}); deleting it and "
                "starting an empty one",
                FdcCacheWarning,
                stacklevel=user_stacklevel(),
            )
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            session = build()
    except (OSError, sqlite3.Error) as err:
        _no_cache_warning(folder, getattr(err, "strerror", None) or str(err))
        return None
    return session, path, False


def _open_read_only(
    folder: Path,
    path: Path,
    problem: str,
    expire_after: timedelta | float,
    filter_fn: Callable[[requests.Response], bool],
) -> tuple[requests.Session, Path, bool] | None:
    """The cache file that cannot be written, read-only; None when it cannot be read either."""
    try:
        backend = _read_only_backend(path)
    except sqlite3.Error:
        _no_cache_warning(folder, problem)
        return None
    stored = backend.responses.stored
    warnings.warn(
        f"the FoodData Central cache {path} cannot be written ({problem}); magcalc uses "
        f"the {stored} answer(s) already in it and keeps new ones in memory only, so they "
        "cost a request again next time. Free some disk space or make the folder "
        "writable, or pass cache=<a writable folder> or cache=False",
        FdcCacheWarning,
        stacklevel=user_stacklevel(),
    )
    return _session(path, expire_after, filter_fn, backend), path, True


def _no_cache_warning(folder: Path, reason: str) -> None:
    warnings.warn(
        f"cannot use the FoodData Central cache in {folder} ({reason}); continuing "
        "without a cache, so every lookup costs a request. Pass cache=<a writable "
        "folder> or cache=False",
        FdcCacheWarning,
        stacklevel=user_stacklevel(),
    )


# --------------------------------------------------------------------------- in use


class CacheFilter:
    """
    The requests-cache filter of one client: whether an answer may be kept.

    Only valid food data: a 404, or a 200 that parses as what was asked for. Never an
    FDC error body sent with 200, which would fail every lookup for 30 days after
    FDC recovers, and never an answer that quotes the key (`secret`).
    """

    def __init__(self, secret: Secret | None) -> None:
        self._secret = secret

    def __call__(self, response: requests.Response) -> bool:
        if getattr(response, "from_cache", False):
            return True  # checked when saved; one an older magcalc kept is dropped on reading
        call = current_call()
        if call is not None and id(response) in call.verdicts:
            return call.verdicts[id(response)]
        verdict = self.valid(response)
        if call is not None:
            call.verdicts[id(response)] = verdict
        return verdict

    def valid(self, response: requests.Response) -> bool:
        """Whether requests-cache may keep `response` (see the class docstring)."""
        try:
            if self._secret is not None:
                seen = [
                    response.content.decode("utf-8", "replace"),
                    str(response.reason or ""),
                    *(f"{k}: {v}" for k, v in response.headers.items()),
                ]
                if any(self._secret.found_in(text) for text in seen):
                    return False
            if response.status_code == 404:
                return True
            parse = parser_for(urlsplit(response.url).path)
            if response.status_code != 200 or parse is None:
                return False
            parse(json.loads(response.content))
        except Exception:  # a filter must not raise: whatever fails here is not cached
            return False
        return True


def check_saved(session: requests.Session, response: requests.Response, path: Path | None) -> bool:
    """
    Whether requests-cache failed to save an answer it meant to keep (warned about here).

    requests-cache rolls back a failed write without a word, so the caller then
    treats the cache as read-only.
    """
    cache = getattr(session, "cache", None)
    key = getattr(response, "cache_key", None)  # set only when a save was attempted
    if cache is None or not key or getattr(response, "from_cache", False):
        return False
    try:
        saved = bool(cache.contains(key=key))
    except sqlite3.Error:
        saved = False
    if saved:
        return False
    warnings.warn(
        f"could not save FoodData Central's answer in the cache {path} (is the "
        "disk full, or the file read-only?); answers already in it are still used, new "
        "ones cost a request again next time. Free some disk space, or pass "
        "cache=<a writable folder> or cache=False",
        FdcCacheWarning,
        stacklevel=user_stacklevel(),
    )
    return True


def without_cache(
    session: requests.Session, url: str, path: Path | None, err: sqlite3.Error
) -> requests.Session:
    """
    A plain session like `session` (headers, adapter), for a cache that broke in use.

    The cache broke while in use (disk full, file replaced, read-only): carry on
    without it, with one warning, rather than fail the lookup. `session` is closed.
    """
    warnings.warn(
        f"the FoodData Central cache {path} failed ({err}); continuing without a cache",
        FdcCacheWarning,
        stacklevel=user_stacklevel(),
    )
    headers = dict(session.headers)
    adapter = session.get_adapter(url)
    session.close()
    plain = requests.Session()
    plain.headers.update(headers)
    plain.mount("http://", adapter)
    plain.mount("https://", adapter)
    return plain


def forget(session: requests.Session, response: requests.Response) -> None:
    """Drop the cached copy of `response`, if the session caches and has one."""
    cache = getattr(session, "cache", None)
    key = getattr(response, "cache_key", None)
    if cache is not None and key:
        with contextlib.suppress(sqlite3.Error):
            cache.delete(key)
