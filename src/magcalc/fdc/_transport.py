"""The FDC client's HTTP transport: bounded retries, a total deadline and a size cap.

Each GET runs as one :class:`Call`, kept per thread (urllib3 runs retries, timeouts and
reads in the caller's thread). The deadline is kept three ways: a retry does not
start, or sleep, past it (:class:`DeadlineRetry`); each attempt's connect and read
timeouts are cut to the time left (:class:`DeadlineTimeout`); and a watchdog shuts the
socket down when it passes, which ends a server that drips bytes just fast enough to
beat every per-read timeout, in the headers as in the body. :class:`LimitedAdapter`
reads each body itself, under the deadline and up to the size cap.
:func:`transport_error` says what went wrong as an :class:`~magcalc.errors.FdcError`.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import Timeout
from urllib3.util.retry import Retry

from magcalc.errors import FdcError, FdcResponseError, FdcUnavailableError
from magcalc.fdc._json import as_int

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "Call",
    "DeadlineError",
    "DeadlineRetry",
    "DeadlineTimeout",
    "LimitedAdapter",
    "TooLargeError",
    "calling",
    "current_call",
    "gave_up",
    "limited_adapter",
    "too_large_error",
    "transport_error",
]

_CHUNK = 64 * 1024
# The GET under way in this thread.
_local = threading.local()


class Call:
    """
    One GET under way: its deadline, attempts, bytes received and why retrying stopped.

    Parameters
    ----------
    seconds : float
        The deadline, from now [s].
    max_bytes : int
        The largest body read [bytes].
    """

    def __init__(self, seconds: float, max_bytes: int) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.end = time.monotonic() + seconds
        self.attempts = 1
        self.received = 0
        self.gave_up = ""  # the wait a retry needed past the deadline, for the message
        self.expired = False
        self.verdicts: dict[int, bool] = {}  # requests-cache asks its filter twice per answer
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self._done = False
        self._guard = threading.Lock()

    def remaining(self) -> float:
        """Time left before the deadline [s]; negative past it."""
        return self.end - time.monotonic()

    def over(self) -> bool:
        """Whether the deadline has passed."""
        return self.expired or self.remaining() <= 0

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down when the deadline passes."""
        with self._guard:
            if self._done:
                return
            if sock not in self._sockets:
                self._sockets.append(sock)
            if self._timer is None:
                self._timer = threading.Timer(max(self.remaining(), 0.0), self._expire)
                self._timer.daemon = True
                self._timer.start()

    def _expire(self) -> None:
        with self._guard:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    # The plain socket's shutdown: SSLSocket's would drop its TLS state
                    # under the thread that is reading.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def finish(self) -> None:
        """Stop watching: the GET is over."""
        with self._guard:
            self._done = True
            self._sockets.clear()
            if self._timer is not None:
                self._timer.cancel()


def current_call() -> Call | None:
    """The GET under way in this thread, or None."""
    call = getattr(_local, "call", None)
    return call if isinstance(call, Call) else None


@contextlib.contextmanager
def calling(call: Call) -> Iterator[Call]:
    """Run the block as `call`, the GET under way in this thread."""
    previous = current_call()
    _local.call = call
    try:
        yield call
    finally:
        _local.call = previous
        call.finish()


class DeadlineError(Exception):
    """The body was still arriving when the deadline passed."""


class TooLargeError(Exception):
    """The answer is larger than the client's max_response_bytes."""

    def __init__(self, size: int, *, declared: bool) -> None:
        super().__init__(size)
        self.size, self.declared = size, declared


class DeadlineRetry(Retry):
    """
    urllib3 Retry that never retries 429, keeps to the deadline, and survives a bad Retry-After.

    FDC blocks an over-limit key for an hour, so 429 is not retried. A retry whose
    wait (Retry-After or backoff) would end past the deadline is not started: the
    last answer is handed back and the client says why it stopped.
    """

    RETRY_AFTER_STATUS_CODES = frozenset({503})

    def get_retry_after(self, response: urllib3.BaseHTTPResponse) -> float | None:
        try:
            return super().get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:
            return None  # back off instead; the error message reports the header

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: urllib3.BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        call = current_call()
        if call is None:
            return retry
        asked = None
        if response is not None and self.respect_retry_after_header:
            asked = retry.get_retry_after(response)
        wait = asked if asked else retry.get_backoff_time()  # as Retry.sleep chooses
        if call.over() or wait >= call.remaining():
            if not call.over():
                call.gave_up = f"{wait:g} s ({'Retry-After' if asked else 'backoff'})"
            reason = error or urllib3.exceptions.ResponseError(
                f"HTTP {response.status if response is not None else '?'} at the deadline"
            )
            raise urllib3.exceptions.MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]
        call.attempts += 1
        return retry


class DeadlineTimeout(Timeout):
    """Connect and read timeouts, cut at each attempt to the time left before the deadline."""

    def __init__(self, connect: float, read: float) -> None:
        super().__init__(connect=connect, read=read)
        self._limits = (connect, read)

    def clone(self) -> Timeout:
        connect, read = self._limits
        call = current_call()
        if call is not None:
            left = max(call.remaining(), 0.001)
            connect, read = min(connect, left), min(read, left)
        return Timeout(connect=connect, read=read)


def _watch_socket(sock: socket.socket | None) -> None:
    call = current_call()
    if call is not None and sock is not None:
        call.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        _watch_socket(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        _watch_socket(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPPool,
    "https": _WatchedHTTPSPool,
}


class LimitedAdapter(HTTPAdapter):
    """
    HTTPAdapter that reads each body itself, under the deadline and up to the size cap.

    requests would read the whole body whatever its size, and requests-cache reads
    it before anyone can look; here it is streamed and dropped past the cap.
    """

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)  # not SOCKS: it has its own
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        call = current_call()
        if call is None or not isinstance(timeout, tuple) or timeout[1] is None:
            return super().send(request, stream, timeout, verify, cert, proxies)
        limits: Any = DeadlineTimeout(timeout[0], timeout[1])
        response = super().send(request, True, limits, verify, cert, proxies)
        try:
            _read_body(response, call)
        except BaseException:
            response.close()
            raise
        return response


def limited_adapter(retries: int, backoff_factor: float) -> LimitedAdapter:
    """
    The adapter of a client: `retries` retries with backoff for connection errors,
    timeouts and 5xx, under the deadline; never 429.
    """
    retry = DeadlineRetry(
        total=retries,
        backoff_factor=backoff_factor,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=None,  # only GETs are sent; retry them all
        raise_on_status=False,  # hand the last 5xx back, so FDC's message can be read
        respect_retry_after_header=True,
    )
    return LimitedAdapter(max_retries=retry)


def _read_body(response: requests.Response, call: Call) -> None:
    declared = as_int(response.headers.get("Content-Length"))
    if declared is not None and declared > call.max_bytes:
        raise TooLargeError(declared, declared=True)
    body = bytearray()
    try:
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            call.received = len(body)
            if len(body) > call.max_bytes:
                raise TooLargeError(len(body), declared=False)
            if call.over():
                raise DeadlineError
    except requests.exceptions.RequestException as err:
        if call.over():
            raise DeadlineError from err
        raise
    if call.over():  # the watchdog's shutdown looks like the end of a body of unknown length
        raise DeadlineError
    response._content = bytes(body)


# --------------------------------------------------------------------------- what went wrong


def gave_up(call: Call) -> str:
    """Why retrying stopped early, for messages (only when ``call.gave_up`` is set)."""
    return (
        f"magcalc stopped instead of waiting {call.gave_up}, which would end past the "
        f"{call.seconds:g} s deadline (deadline=)"
    )


def too_large_error(path: str, err: TooLargeError, max_bytes: int) -> FdcResponseError:
    """The error for an answer past the size cap."""
    size = f"declares {err.size:,} bytes (Content-Length)" if err.declared else "goes on past that"
    return FdcResponseError(
        f"FoodData Central's answer to GET {path} is larger than the {max_bytes:,}-byte cap: "
        f"it {size}, so magcalc stopped reading it. FDC's answers are a few MB at most, so "
        "the server or a proxy is misbehaving; if you expect answers this large, pass a "
        "larger max_response_bytes= to FdcClient"
    )


def transport_error(
    path: str, call: Call, err: Exception, *, base_url: str, timeout: tuple[float, float]
) -> FdcError:
    """
    The FdcError for a GET that got no answer: past the deadline, timed out, refused,
    or an answer that broke off or cannot be decompressed.
    """
    error = _as_is(path, call, err, base_url=base_url, timeout=timeout)
    if call.gave_up:
        error.message += f"; {gave_up(call)}"
        error.args = (error.message,)
    return error


def _as_is(
    path: str, call: Call, err: Exception, *, base_url: str, timeout: tuple[float, float]
) -> FdcError:
    if isinstance(err, DeadlineError) or call.over():
        got = f", {call.received:,} bytes of the answer received" if call.received else ""
        return FdcUnavailableError(
            f"FoodData Central did not finish answering GET {path} within the "
            f"{call.seconds:g} s deadline ({call.attempts} attempt(s){got}); it may be "
            "overloaded or the connection slow: try again later, or pass a longer deadline= "
            "(seconds) to FdcClient"
        )
    if isinstance(err, requests.exceptions.ContentDecodingError):
        found = re.search(r"content-encoding: ([\w-]+)", str(err), re.I)
        encoding = found.group(1) if found else "compressed"
        return FdcResponseError(
            f"FoodData Central's answer to GET {path} says it is {encoding}-compressed "
            "(Content-Encoding) but its body cannot be decompressed: the server or a proxy "
            "on the way sent a broken answer; try again later"
        )
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        return FdcResponseError(
            f"FoodData Central's answer to GET {path} broke off before its end "
            "(truncated); try again"
        )
    timed_out = FdcUnavailableError(
        f"FoodData Central did not answer GET {path} within the timeout "
        f"({timeout[0]:g} s to connect, {timeout[1]:g} s to read) in "
        f"{call.attempts} attempt(s); it may be overloaded: try again later or pass a "
        "longer timeout="
    )
    if isinstance(err, requests.exceptions.Timeout):
        return timed_out
    if isinstance(err, requests.exceptions.ConnectionError):
        # After its retries urllib3 reports a read timeout as MaxRetryError, which
        # requests turns into ConnectionError: look at the reason to tell them apart.
        first = err.args[0] if err.args else None
        reason = getattr(first, "reason", first)
        refused = isinstance(reason, urllib3.exceptions.NewConnectionError)
        if not refused and isinstance(reason, urllib3.exceptions.TimeoutError):
            return timed_out
    return FdcUnavailableError(
        f"cannot reach FoodData Central at {base_url} for GET {path} after "
        f"{call.attempts} attempt(s) ({type(err).__name__}); check the network "
        "connection or try again later"
    )
