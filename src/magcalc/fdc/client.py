"""FdcClient: checked arguments and FDC's three endpoints, over the transport and cache.

The client does the I/O and hands each answer to the pure parse functions of
:mod:`magcalc.fdc.parse` (pvlib's ``iotools`` split). Its parts are private modules:
``_transport`` (retries, deadline, size cap), ``_answers`` (status and body to JSON or
an FdcError), ``_cache`` (the requests-cache file and its self-repair) and
``_secrets`` (the API key kept out of logs and messages).

References
----------
.. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide
.. [2] api.data.gov, "API Key Usage: Rate Limits," https://api.data.gov/docs/rate-limits/
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import requests

from magcalc.errors import FdcError, FdcNotFoundError, FdcUnavailableError
from magcalc.fdc import _cache
from magcalc.fdc._answers import answer_json, food_for
from magcalc.fdc._arguments import (
    DEFAULT_BASE_URL,
    DEFAULT_DATA_TYPES,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEMO_KEY,
    check_backoff,
    check_base_url,
    check_data_types,
    check_deadline,
    check_expire,
    check_ids,
    check_max_bytes,
    check_missing,
    check_page,
    check_query,
    check_retries,
    check_timeout,
    resolve_key,
)
from magcalc.fdc._json import as_int
from magcalc.fdc._secrets import LOGGER_NAME, Secret, register, scrubbing
from magcalc.fdc._transport import (
    Call,
    DeadlineError,
    TooLargeError,
    calling,
    gave_up,
    limited_adapter,
    too_large_error,
    transport_error,
)
from magcalc.fdc._warnings import FdcMissingFoodsWarning
from magcalc.fdc.parse import check_fdc_id, parse_foods, parse_search
from magcalc.foods import Food

__all__ = ["MAX_IDS_PER_CALL", "FdcClient", "FdcFoods"]

# One logger for the package, named as before the split: the key filter is set on it.
logger = logging.getLogger(LOGGER_NAME)
T = TypeVar("T")

#: ``/v1/foods`` takes at most 20 ids a call (API guide [1]).
MAX_IDS_PER_CALL = 20


class FdcFoods(list[Food]):
    """
    The foods :meth:`FdcClient.foods` found, in the order asked, and the ids FDC dropped.

    A plain ``list`` of :class:`~magcalc.foods.Food` with one more attribute.

    Attributes
    ----------
    missing : tuple of int
        Ids FDC did not return in full or abridged format (unknown or withdrawn;
        Branded foods get a new id at each revision).

    Examples
    --------
    >>> batch = FdcFoods([], missing=[123])
    >>> len(batch), batch.missing
    (0, (123,))
    """

    def __init__(self, foods: Iterable[Food] = (), missing: Iterable[int] = ()) -> None:
        super().__init__(foods)
        self.missing: tuple[int, ...] = tuple(missing)

    def __repr__(self) -> str:
        return f"FdcFoods({list.__repr__(self)}, missing={list(self.missing)!r})"


class FdcClient:
    """
    A client for the USDA FoodData Central API that returns :class:`~magcalc.foods.Food`.

    Every request has a timeout and a total deadline; connection errors, timeouts
    and 5xx answers are retried with exponential backoff, at most `retries` times
    and never past the deadline; 429 is never retried (FDC blocks an over-limit key
    for an hour). Answers are cached on disk (requests-cache, SQLite) so repeated
    lookups cost no request.

    Parameters
    ----------
    api_key : str, optional
        FDC (api.data.gov) key. Default: the ``FDC_API_KEY`` environment variable,
        else ``DEMO_KEY`` with an :class:`FdcKeyWarning` (about 30 requests an hour).
    base_url : str, default "https://api.nal.usda.gov/fdc"
        API root, for mirrors and tests.
    timeout : float or (float, float), default (3.05, 15)
        Connect and read timeouts of one attempt [s]. A read timeout bounds each
        wait for data, not the whole answer: `deadline` does that.
    deadline : float, default 30
        Total time for one request [s]: every attempt, the waits between them
        (backoff and ``Retry-After``) and reading the body. Past it the request
        stops with :class:`~magcalc.errors.FdcUnavailableError`; a retry whose wait
        would end past it is not made. :meth:`food` may send 2 requests and
        :meth:`foods` one per 20 ids (and as many again for dropped ids).
    cache : bool or path-like, default True
        True: an SQLite cache in magcalc's cache folder
        (``platformdirs.user_cache_dir("magcalc")``, or ``$MAGCALC_CACHE_DIR``;
        ``MAGCALC_CACHE_DIR=off`` means no cache); a path: that folder; False or
        None: no cache. A corrupt cache file is deleted and recreated; a cache that
        cannot be written (full disk, read-only file or folder) is read but not
        written; a folder that cannot be used at all means no cache. Each gives one
        :class:`FdcCacheWarning`.
    retries : int, default 3
        Retries after the first attempt for connection errors, timeouts and 5xx.
    backoff_factor : float, default 0.5
        Sleep ``backoff_factor * 2 ** (n - 1)`` [s] before retry n (urllib3).
    cache_expire_after : timedelta or float, default 30 days
        How long a cached answer is used [s, when a number]; FDC publishes twice a year.
    max_response_bytes : int, default 20_000_000
        Largest answer read [bytes, after decompression]; a larger one stops with
        :class:`~magcalc.errors.FdcResponseError` once the cap is passed, so it
        never sits whole in memory. FDC's largest answers are a few MB.

    Attributes
    ----------
    base_url : str
    timeout : tuple of float
    deadline : float
    retries : int
    max_response_bytes : int
    cache_path : Path or None
        The SQLite cache file, or None when not caching.
    cache_read_only : bool
        True when the cache file cannot be written (found when the client is made,
        or when a save failed): the answers in it are still used, new ones are not
        saved (while the client lives they are kept in memory when it was found
        at the start).

    Notes
    -----
    Thread safety: each client owns one ``requests`` Session and serialises its
    requests with a lock, so a client may be shared between threads, but its
    calls then run one at a time (the deadline counts from when a request gets
    its turn). For parallel downloads give each thread its own client; clients
    may share the cache folder (SQLite locks the file).

    The cache keeps only what is valid: 404 answers (FDC ids are not reused) and
    200 answers that parse as the food data asked for (the record of the id asked
    for, a list of records, a search page), for `cache_expire_after`. An FDC error
    body sent with status 200, an HTML page or a truncated body is never cached,
    and neither is an answer that quotes the key. The key is not part of cache
    keys, so clients with different keys share entries.

    Errors are named by one table, :data:`magcalc.fdc.parse.STATUS_ERRORS`, whether
    FDC sent an error body or only a status.

    Only GET requests are sent, redirects are not followed (the key must not go
    to another host), and the key is sent only in the ``X-Api-Key`` header. Every
    exception text built from what a server sent is scrubbed of the key (replaced
    by ``<api key>``), raw and in its JSON-escaped, percent-encoded and ``repr``
    forms; so are the records of the urllib3 and requests-cache loggers that can
    quote a server. A key of 4 characters or more is masked wherever it appears; a
    shorter one (never a real FDC key, which has 40) only where it stands alone,
    not inside a longer word, or masking every "a" would make messages unreadable.
    ``DEMO_KEY`` is public and not masked.

    References
    ----------
    .. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide
    .. [2] api.data.gov, "API Key Usage: Rate Limits," https://api.data.gov/docs/rate-limits/

    Examples
    --------
    Making a client is offline (no request is sent until a method is called):

    >>> client = FdcClient(api_key="your-key", cache=False)
    >>> client.base_url, client.timeout, client.rate_limit_remaining
    ('https://api.nal.usda.gov/fdc', (3.05, 15.0), None)
    >>> client.deadline, client.max_response_bytes
    (30.0, 20000000)

    Lookups need the network, so these are not run here::

        from magcalc.fdc import FdcClient
        import magcalc

        client = FdcClient()                 # key from FDC_API_KEY
        foods = client.search("banana baked")
        food = client.food(2262072)          # Peanut butter, creamy (Foundation)
        magcalc.food_magnesium(food, "2 tbsp")
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | tuple[float, float] = (3.05, 15),
        deadline: float = DEFAULT_DEADLINE,
        cache: bool | str | os.PathLike[str] | None = True,
        retries: int = 3,
        backoff_factor: float = 0.5,
        cache_expire_after: timedelta | float = timedelta(days=30),
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._key, self._key_origin = resolve_key(api_key)
        self._secret = None if self._key == DEMO_KEY else Secret(self._key)
        if self._secret is not None:
            register(self._secret)
        self.base_url = check_base_url(base_url)
        self.timeout = check_timeout(timeout)
        self.deadline = check_deadline(deadline)
        self.retries = check_retries(retries)
        self.backoff_factor = check_backoff(backoff_factor)
        self.max_response_bytes = check_max_bytes(max_response_bytes)
        self._expire = check_expire(cache_expire_after)
        self._lock = threading.Lock()
        self._rate_limit_remaining: int | None = None
        self._rate_limit_limit: int | None = None
        self.cache_path: Path | None = None
        self.cache_read_only = False
        self._session = self._make_session(_cache.cache_folder(cache))

    # ------------------------------------------------------------------ setup

    def _make_session(self, folder: Path | None) -> requests.Session:
        opened = None
        if folder is not None:
            opened = _cache.open_cache(
                folder, expire_after=self._expire, filter_fn=_cache.CacheFilter(self._secret)
            )
        if opened is None:
            session = requests.Session()
        else:
            session, self.cache_path, self.cache_read_only = opened
        adapter = limited_adapter(self.retries, self.backoff_factor)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        from magcalc import __version__

        session.headers.update(
            {
                "User-Agent": f"magcalc/{__version__}",
                "Accept": "application/json",
                "X-Api-Key": self._key,
            }
        )
        return session

    # ------------------------------------------------------------------ dunder

    def __repr__(self) -> str:
        key = {"argument": "given", "FDC_API_KEY": "from FDC_API_KEY", "DEMO_KEY": "DEMO_KEY"}
        cache = str(self.cache_path) if self.cache_path else None
        read_only = ", cache_read_only=True" if self.cache_read_only else ""
        return (
            f"FdcClient(base_url={self.base_url!r}, key={key[self._key_origin]}, "
            f"cache={cache!r}{read_only}, timeout={self.timeout}, deadline={self.deadline:g}, "
            f"retries={self.retries})"
        )

    def __enter__(self) -> FdcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session and the cache file."""
        self._session.close()

    # ------------------------------------------------------------------ rate limit

    @property
    def rate_limit_remaining(self) -> int | None:
        """Requests left this hour, from the last network answer's ``X-RateLimit-Remaining``.

        None before the first network answer (cached answers do not update it).
        """
        return self._rate_limit_remaining

    @property
    def rate_limit_limit(self) -> int | None:
        """Requests allowed an hour, from the last network answer's ``X-RateLimit-Limit``."""
        return self._rate_limit_limit

    # ------------------------------------------------------------------ transport

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        """One GET with retries under the deadline; transport failures become FdcErrors."""
        url = f"{self.base_url}{path}"
        with self._lock:
            call = Call(self.deadline, self.max_response_bytes)
            try:
                with calling(call):
                    response = self._send(url, params)
            except TooLargeError as err:
                raise too_large_error(path, err, self.max_response_bytes) from None
            except (requests.exceptions.RequestException, DeadlineError) as err:
                raise transport_error(
                    path, call, err, base_url=self.base_url, timeout=self.timeout
                ) from err
            if not self.cache_read_only and _cache.check_saved(
                self._session, response, self.cache_path
            ):
                self.cache_read_only = True
        from_cache = bool(getattr(response, "from_cache", False))
        logger.debug(
            "FDC GET %s -> %s (%s)", path, response.status_code, "cache" if from_cache else "net"
        )
        if not from_cache:
            remaining = as_int(response.headers.get("X-RateLimit-Remaining"))
            if remaining is not None:
                self._rate_limit_remaining = remaining
            limit = as_int(response.headers.get("X-RateLimit-Limit"))
            if limit is not None:
                self._rate_limit_limit = limit
        if response.status_code >= 500:
            try:
                answer_json(response, path, call.attempts)
            except FdcError as err:
                if not call.gave_up:
                    raise
                raise FdcUnavailableError(
                    f"{err.message}. {gave_up(call)}: try again later, or pass a longer "
                    "deadline= (seconds) to FdcClient"
                ) from err
        return response

    def _send(self, url: str, params: Mapping[str, str] | None) -> requests.Response:
        try:
            return self._session.get(
                url, params=params, timeout=self.timeout, allow_redirects=False
            )
        except sqlite3.Error as err:
            self._session = _cache.without_cache(self._session, url, self.cache_path, err)
            self.cache_path = None
            self.cache_read_only = False
            return self._session.get(
                url, params=params, timeout=self.timeout, allow_redirects=False
            )

    def _parse(
        self,
        response: requests.Response,
        path: str,
        parse: Callable[[Any], T],
        params: Mapping[str, str] | None = None,
    ) -> T:
        """Decode and parse an answer; a cached one that fails is asked for again."""
        try:
            return parse(answer_json(response, path))
        except FdcError:
            if not getattr(response, "from_cache", False):
                raise
        # Kept by an older magcalc, which cached any whole JSON: drop it and ask FDC.
        logger.debug("FDC GET %s: the cached answer is not valid food data; asking again", path)
        _cache.forget(self._session, response)
        return parse(answer_json(self._get(path, params), path))

    def _fetch(self, path: str, params: Mapping[str, str] | None, parse: Callable[[Any], T]) -> T:
        return self._parse(self._get(path, params), path, parse, params)

    # ------------------------------------------------------------------ API

    def search(
        self,
        query: str,
        data_types: str | Sequence[str] = DEFAULT_DATA_TYPES,
        page_size: int = 25,
        page: int = 1,
    ) -> list[Food]:
        """
        Search FDC for foods; Foundation, SR Legacy and Survey (FNDDS) unless asked.

        Branded foods are searched only when `data_types` names "Branded": the
        unfiltered search is swamped by Branded duplicates, which rarely have
        magnesium.

        Parameters
        ----------
        query : str
            Words to search for, e.g. ``"banana baked"``.
        data_types : str or sequence of str, default ("Foundation", "SR Legacy", "Survey (FNDDS)")
            Any of "Foundation", "SR Legacy", "Survey (FNDDS)", "Branded" (case does
            not matter; "Survey" and "FNDDS" mean "Survey (FNDDS)").
        page_size : int, default 25
            Hits per page, 1-200.
        page : int, default 1
            Page number, from 1.

        Returns
        -------
        list of Food
            In FDC's relevance order.

        Raises
        ------
        InputError
            If an argument is out of range.
        FdcError
            See :class:`FdcClient` (auth, rate limit, outage, bad answer).

        References
        ----------
        .. [1] USDA ARS, "FoodData Central API Guide: /v1/foods/search,"
           https://fdc.nal.usda.gov/api-guide
        """
        params = {
            "query": check_query(query),
            "dataType": ",".join(check_data_types(data_types)),
            "pageSize": str(check_page("page_size", page_size, 200)),
            "pageNumber": str(check_page("page", page, 10_000)),
        }
        with scrubbing(self._secret):
            return self._fetch("/v1/foods/search", params, parse_search)

    def food(self, fdc_id: int | str) -> Food:
        """
        One food by FDC id.

        Asks for the full format (with portions); when FDC answers 404 with an
        empty body, which some Foundation foods do, asks once more in abridged
        format (no portions).

        Parameters
        ----------
        fdc_id : int or str
            FDC id, e.g. ``2262072``.

        Returns
        -------
        Food

        Raises
        ------
        FdcNotFoundError
            If FDC has no food with that id.
        InputError
            If `fdc_id` is not a positive whole number.
        FdcError
            See :class:`FdcClient`.

        References
        ----------
        .. [1] USDA ARS, "FoodData Central API Guide: /v1/food/{fdcId},"
           https://fdc.nal.usda.gov/api-guide
        """
        fid = check_fdc_id(fdc_id)
        path = f"/v1/food/{fid}"
        parse = functools.partial(food_for, fid)
        with scrubbing(self._secret):
            response = self._get(path)
            if response.status_code == 404 and not response.content.strip():
                logger.debug("FDC GET %s: 404 with an empty body; trying format=abridged", path)
                abridged = {"format": "abridged"}
                response = self._get(path, abridged)
                if response.status_code == 404:
                    raise FdcNotFoundError(
                        f"FoodData Central has no food with FDC id {fid} (404 in full and "
                        "abridged format); check the id at https://fdc.nal.usda.gov/ or find "
                        "foods with FdcClient.search(...)"
                    )
                return self._parse(response, path, parse, abridged)
            if response.status_code == 404:
                raise FdcNotFoundError(
                    f"FoodData Central has no food with FDC id {fid} (404); check the id at "
                    "https://fdc.nal.usda.gov/ or find foods with FdcClient.search(...)"
                )
            return self._parse(response, path, parse)

    def foods(
        self,
        fdc_ids: Iterable[int | str],
        *,
        missing: Literal["warn", "raise", "ignore"] = "warn",
    ) -> FdcFoods:
        """
        Many foods by FDC id, 20 ids per request.

        FDC drops unknown ids from ``/v1/foods`` answers without a word; the ids it
        dropped in full format are asked for once more in abridged format (some
        Foundation foods only answer that way), and those still missing are
        reported in :attr:`FdcFoods.missing` and, by default, in a warning.
        N distinct ids cost ``ceil(N / 20)`` requests when none is dropped.

        Parameters
        ----------
        fdc_ids : iterable of int or str
            FDC ids; duplicates are fetched once.
        missing : {"warn", "raise", "ignore"}, default "warn"
            What to do about ids FDC did not return: an
            :class:`FdcMissingFoodsWarning`, an :class:`~magcalc.errors.FdcNotFoundError`,
            or nothing (they are in ``.missing`` in every case).

        Returns
        -------
        FdcFoods
            A list of Food in the order of `fdc_ids`, with ``.missing``.

        Raises
        ------
        FdcNotFoundError
            If ``missing="raise"`` and some ids were not found.
        InputError
            If an id is not a positive whole number.
        FdcError
            See :class:`FdcClient`.

        References
        ----------
        .. [1] USDA ARS, "FoodData Central API Guide: /v1/foods,"
           https://fdc.nal.usda.gov/api-guide
        """
        check_missing(missing)
        wanted = check_ids(fdc_ids)
        found: dict[int, Food] = {}
        with scrubbing(self._secret):
            for fmt in ("full", "abridged"):
                todo = [i for i in wanted if i not in found]
                for start in range(0, len(todo), MAX_IDS_PER_CALL):
                    chunk = todo[start : start + MAX_IDS_PER_CALL]
                    params = {"fdcIds": ",".join(map(str, chunk))}
                    if fmt == "abridged":
                        params["format"] = "abridged"
                    for food in self._fetch("/v1/foods", params, parse_foods):
                        # Records of ids not asked for are left out, never mixed in.
                        if food.fdc_id is not None:
                            found.setdefault(food.fdc_id, food)
        lost = [i for i in wanted if i not in found]
        result = FdcFoods((found[i] for i in wanted if i in found), missing=lost)
        if lost:
            text = (
                f"FoodData Central returned no food for {len(lost)} of {len(wanted)} FDC id(s): "
                f"{', '.join(map(str, lost[:20]))}{' ...' if len(lost) > 20 else ''} (unknown or "
                "withdrawn; Branded foods get a new id at each revision)"
            )
            if missing == "raise":
                raise FdcNotFoundError(text)
            if missing == "warn":
                warnings.warn(text, FdcMissingFoodsWarning, stacklevel=2)
        return result
