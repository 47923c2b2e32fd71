"""Keeping the FDC API key out of log records, exception texts and tracebacks.

A server may echo the key back: raw, JSON-escaped, percent-encoded or, through
``repr`` in a message, with backslashes. :class:`Secret` finds all these forms;
:func:`register` puts a filter on the loggers that can quote a server (urllib3,
requests-cache and magcalc's own), which masks the keys of every live client; and
:func:`scrubbing` masks the key in every FdcError leaving a client method, and in the
text of the errors it was raised from.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import traceback
import weakref
from collections.abc import Iterable, Iterator
from urllib.parse import quote, quote_plus

from magcalc.errors import FdcError, MagcalcError

__all__ = ["LOGGER_NAME", "MASK", "Secret", "ServerQuotedError", "register", "scrubbing"]

MASK = "<api key>"
#: The one logger of the FDC client (magcalc.fdc): its records are scrubbed like urllib3's.
LOGGER_NAME = __name__.rpartition(".")[0]
#: Keys shorter than this are masked only where they stand alone (see :class:`Secret`).
MIN_SUBSTRING_KEY = 4
_WORD_CHARS = "A-Za-z0-9_-"
# Loggers that may quote what a server sent: a bad status line, unparsable headers,
# Cache-Control and Expires values. A filter applies to its own logger only, not to
# children, so each is named.
_QUOTING_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.util.retry",
    "requests_cache.session",
    "requests_cache.policy.actions",
    "requests_cache.policy.expiration",
    "requests_cache.models.response",
    "requests_cache.backends.base",
    LOGGER_NAME,
)


class Secret:
    """
    An API key and a pattern that finds it in text, as sent or escaped.

    A key of 4 characters or more is found anywhere; a shorter one only where it
    stands alone (not inside a longer run of letters, digits, ``_`` or ``-``), or
    every "a" of a message would be masked for a 1-character key.

    Examples
    --------
    >>> Secret("k3y").scrub("bad key k3y; k3yboard")
    'bad key <api key>; k3yboard'
    """

    def __init__(self, key: str) -> None:
        forms = {
            key,
            json.dumps(key)[1:-1],
            key.encode("unicode_escape").decode("ascii"),
            quote(key, safe=""),
            quote_plus(key),
        }
        forms |= {form.replace("'", "\\'") for form in forms}
        pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        if len(key) < MIN_SUBSTRING_KEY:
            pattern = rf"(?<![{_WORD_CHARS}])(?:{pattern})(?![{_WORD_CHARS}])"
        self._pattern = re.compile(pattern)

    def scrub(self, text: str) -> str:
        """`text` with every form of the key replaced by ``<api key>``."""
        return self._pattern.sub(MASK, text)

    def found_in(self, text: str) -> bool:
        """Whether `text` holds the key in any of its forms."""
        return self._pattern.search(text) is not None


# Keys of live clients, for the log filter; a client's key leaves the set with the client.
_SECRETS: weakref.WeakSet[Secret] = weakref.WeakSet()
_SECRETS_LOCK = threading.Lock()


def _scrub_all(text: str, secrets: Iterable[Secret]) -> str:
    for secret in secrets:
        text = secret.scrub(text)
    return text


class _ScrubLogs(logging.Filter):
    """Masks the key of every live client in the records of the quoting loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = list(_SECRETS)
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it, a filter must not raise
            return True
        clean = _scrub_all(message, secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            clean = _scrub_all(text, secrets)
            if clean != text:
                record.exc_info, record.exc_text = None, clean
        return True


_LOG_FILTER = _ScrubLogs()


def register(secret: Secret) -> None:
    """Mask `secret` in the records of the quoting loggers while its client lives."""
    with _SECRETS_LOCK:
        _SECRETS.add(secret)
        for name in _QUOTING_LOGGERS:
            log = logging.getLogger(name)
            if _LOG_FILTER not in log.filters:
                log.addFilter(_LOG_FILTER)


class ServerQuotedError(Exception):
    """Stands in for a cause whose text quoted the API key back (the key is masked here)."""


def _scrub_error(secret: Secret, err: BaseException) -> None:
    """Mask the key in an error's message and in the text of the errors it was raised from."""
    if isinstance(err, MagcalcError):
        err.message = secret.scrub(err.message)
        err.args = (err.message,)
    chain: list[BaseException] = []
    cause = err.__cause__ or (None if err.__suppress_context__ else err.__context__)
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or (None if cause.__suppress_context__ else cause.__context__)
    if not chain:
        return
    texts = ["".join(traceback.format_exception_only(type(e), e)).strip() for e in chain]
    if any(secret.found_in(text) for text in texts):
        # Transport errors quote the server (a bad status line, a header): keep
        # what they say, without the key.
        err.__cause__ = ServerQuotedError(" <- ".join(secret.scrub(t) for t in texts))
        err.__context__ = None
        err.__suppress_context__ = True


@contextlib.contextmanager
def scrubbing(secret: Secret | None) -> Iterator[None]:
    """Every FdcError leaving the block has `secret` masked (nothing to do for None)."""
    try:
        yield
    except FdcError as err:
        if secret is not None:
            _scrub_error(secret, err)
        raise
