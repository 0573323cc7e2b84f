"""Response bodies as bytes and text: content encodings with a size cap, and charsets."""

from __future__ import annotations

import codecs
import importlib
import re
import zlib
from typing import Any

from tui_reader.sanitize import clean_line


class BodyError(Exception):
    """A body that cannot be decoded; the message is one line for a person."""


class BodyTooLarge(BodyError):
    pass


def _brotli() -> Any:
    """The brotli module if one is installed (brotli or brotlicffi), else None."""
    for name in ("brotli", "brotlicffi"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def accept_encoding() -> str:
    """What to ask for: only the encodings this program can decode."""
    return "gzip, deflate, br" if _brotli() is not None else "gzip, deflate"


class Decoder:
    """gzip/deflate (and br, if brotli is installed) decoding that stops at `limit` bytes.

    A gzip bomb is refused at the cap; a compressed stream that stops before its end (a body
    cut off) is an error, not a silently shorter feed.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        # Raw deflate or zlib-wrapped is decided on the first two bytes, however they arrive.
        self._undecided = False
        self._head = b""
        self._brotli: Any = None
        self.z: Any = None
        enc = encoding.strip().lower()
        self.encoding = enc
        if enc in ("", "identity"):
            return
        if enc in ("gzip", "x-gzip"):
            self.z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif enc == "deflate":
            self._undecided = True
        elif enc == "br":
            module = _brotli()
            if module is None:
                raise BodyError(
                    "the server sent brotli-compressed data (Content-Encoding: br), which this "
                    "installation cannot read (install the brotli package)"
                )
            self._brotli = module.Decompressor()
        else:
            shown = clean_line(enc)[:40] or "?"
            raise BodyError(f"the server sent an unsupported content encoding ({shown})")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise BodyTooLarge(f"the response is larger than {self.limit:,} bytes; refused")
        if data:
            self.parts.append(data)

    def _decide_deflate(self, data: bytes) -> bytes:
        """Buffer until two bytes are known, then choose zlib or raw deflate; bytes to decode."""
        head = self._head + data
        if len(head) < 2:
            self._head = head
            return b""
        self._undecided = False
        self._head = b""
        try:
            zlib.decompressobj().decompress(head[:2])
            self.z = zlib.decompressobj()
        except zlib.error:
            self.z = zlib.decompressobj(-zlib.MAX_WBITS)
        return head

    def feed(self, data: bytes) -> None:
        if self._brotli is not None:
            try:
                self._add(self._brotli.process(data))
            except BodyError:
                raise
            except Exception:
                raise BodyError("the response is not valid brotli data") from None
            return
        if self._undecided:
            data = self._decide_deflate(data)
        if self.z is None:
            if not self._undecided:
                self._add(data)
            return
        try:
            while data:
                self._add(self.z.decompress(data, self.limit - self.size + 1))
                data = self.z.unconsumed_tail
        except zlib.error:
            raise BodyError(f"the response is not valid {self.encoding} data") from None

    def finish(self) -> bytes:
        if self._undecided:  # a deflate body of fewer than two bytes
            raise BodyError(f"the response is not valid {self.encoding} data")
        if self.z is not None:
            try:
                self._add(self.z.flush())
            except zlib.error:
                raise BodyError(f"the response is not valid {self.encoding} data") from None
            if not self.z.eof:
                raise BodyError(f"the {self.encoding} data of the response is cut off; refused")
        if self._brotli is not None and not self._brotli.is_finished():
            raise BodyError("the brotli data of the response is cut off; refused")
        return b"".join(self.parts)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(content: bytes, content_type: str = "") -> str:
    """Bytes of a page as text: the header's charset, a BOM, a `<meta charset>`, then UTF-8."""
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", "replace")
    match = re.search(r"charset\s*=\s*([-\w.:\"']+)", content_type, re.IGNORECASE)
    encoding = _codec(match.group(1)) if match else None
    if encoding is None:
        meta = _META_CHARSET.search(content[:4096])
        encoding = _codec(meta.group(1).decode("ascii", "replace")) if meta else None
    if encoding is None:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    return content.decode(encoding, "replace")
