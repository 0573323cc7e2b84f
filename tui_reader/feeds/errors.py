"""What went wrong with a request, as one line a person can act on, and whether to retry it.

httpx's messages carry internals (`bytearray(b'...')`, `(_ssl.c:1006)`) and sometimes the
server's own bytes; none of that reaches the user. A failure the server will repeat (garbage
instead of HTTP, a bad redirect, a TLS mismatch) is final; a broken connection is retried.
"""

from __future__ import annotations

import socket
import ssl

import httpx

from tui_reader.sanitize import clean_line


class FetchError(Exception):
    """A URL could not be fetched; the message is one line for a person."""


class TooLarge(FetchError):
    pass


class Unreachable(FetchError):
    """No connection could be made to the host (or its proxy): offline, a wrong name, a firewall."""


class Transient(Exception):
    """A failure worth retrying (connection refused or reset, a 5xx)."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and all(cause is not s for s in seen):
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__
    return seen


def _tls(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = clean_line(str(error.verify_message or "")) or "unknown reason"
        return f"its TLS certificate could not be verified ({reason})"
    reason = str(error.reason or "")
    if reason == "WRONG_VERSION_NUMBER":
        return "the server did not answer in TLS (is the address http:// rather than https://?)"
    words = reason.replace("_", " ").lower() or "unknown reason"
    return f"the TLS handshake failed ({clean_line(words)})"


def network_reason(exc: BaseException) -> str:
    """Why a connection failed, in a few words ("host name not found"), or "" if no OS error says."""
    return _os_reason(_chain(exc))


def _os_reason(chain: list[BaseException]) -> str:
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the server"
        if isinstance(cause, OSError) and cause.strerror:
            return clean_line(cause.strerror).lower()
    return ""


def classify(exc: httpx.HTTPError, host: str, via: str = "") -> FetchError | Transient:
    """The error to raise for an httpx failure on a request to `host` (through proxy `via`)."""
    chain = _chain(exc)
    where = f"{host} (through the proxy {via})" if via else host
    message = str(exc)
    for cause in chain:
        if isinstance(cause, ssl.SSLError):
            return FetchError(f"could not connect to {host}: {_tls(cause)}")
    if isinstance(exc, httpx.ProxyError):
        return Transient(f"the proxy {via or '?'} refused to connect to {host}", unreachable=True)
    if isinstance(exc, httpx.ConnectError):
        reason = _os_reason(chain) or "the connection was closed"
        target = f"the proxy {via} for {host}" if via else host
        return Transient(f"could not connect to {target}: {reason}", unreachable=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        if any(isinstance(c, httpx.InvalidURL) for c in chain) or "location header" in message:
            return FetchError("the server redirected to an address that is not a URL")
        if message.startswith("Server disconnected"):
            return Transient(f"connection to {where} broke: closed before any answer")
        if message.startswith("peer closed connection"):
            return Transient(f"connection to {where} broke: the body was cut off")
        return FetchError(f"{where} did not answer in HTTP (a malformed response)")
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        reason = _os_reason(chain) or "the connection was closed"
        return Transient(f"connection to {where} broke: {reason}")
    reason = _os_reason(chain)
    return FetchError(f"{where}: {reason or type(exc).__name__}")
