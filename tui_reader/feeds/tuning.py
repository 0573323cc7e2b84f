"""feedparser's work cut where its output cannot change: what the parse hands it, and three
helpers it calls per element that had a cheaper exact form. Imported by `feeds.parse` only (the
workers), never by the main process.

Measured on the benchmark corpus (200 feeds x 25 items, WordPress RSS and Atom), these took
about a tenth of feedparser's CPU:

- **Character data**: expat reports the text of an element in pieces, one per line (a WordPress
  `content:encoded` of 30 lines is 30 calls of feedparser's `handle_data`, each a
  `FeedParserDict` lookup). Our SAX driver (`create_parser`, first in feedparser's
  `PREFERRED_XML_PARSERS`) turns on expat's own `buffer_text`: the same text, joined by expat
  before feedparser sees it, in one call per run of text. feedparser joins the pieces itself,
  so what it makes is the same.
- **Joining URLs to an empty base**: the parse is given no base URL (`feeds.parse`), and
  feedparser joins its base to every element's `xml:base` and to each link it reads:
  `urljoin("", uri)` is `uri`, after feedparser's own fix-up of extra slashes.
- **Copying content parameters**: `copy.deepcopy` of a `FeedParserDict` goes through pickle's
  reduce protocol; `FeedParserDict.__deepcopy__` builds the same copy directly (the same keys,
  set in the same order through the same `__setitem__`; strings and None are not copied).
"""

from __future__ import annotations

import copy
import xml.sax.expatreader
from typing import Any

import feedparser.api
import feedparser.mixin
import feedparser.urls
import feedparser.util

# expat's buffer for `buffer_text` (its default is 8 KiB; a longer text is passed in pieces of
# this size, which feedparser joins).
TEXT_BUFFER = 1 << 16


class BufferedExpatParser(xml.sax.expatreader.ExpatParser):  # type: ignore[misc]
    """The standard library's expat reader, with expat joining character data itself."""

    def reset(self) -> None:
        super().reset()
        parser: Any = getattr(self, "_parser")  # noqa: B009  (the stdlib's, untyped)
        parser.buffer_text = True
        parser.buffer_size = TEXT_BUFFER


def create_parser(*args: Any, **kwargs: Any) -> BufferedExpatParser:
    """The SAX driver's entry point (`xml.sax.make_parser` calls it by this name)."""
    return BufferedExpatParser(*args, **kwargs)


_stock_urljoin = feedparser.urls._urljoin
_URIFIXER = feedparser.urls._urifixer


def _urljoin(base: str, uri: str) -> str:
    """feedparser's `_urljoin`, without `urllib.parse.urljoin` when the base is empty (which
    returns the URI as given)."""
    if not base:
        return _URIFIXER.sub(r"\1\3", uri) if uri else uri
    return _stock_urljoin(base, uri)  # type: ignore[no-any-return]


_ATOMIC = (str, type(None), int, float, bool)


def _deepcopy(self: Any, memo: dict[int, Any]) -> Any:
    """What `copy.deepcopy` makes of a `FeedParserDict` by its reduce protocol, made directly."""
    cls: Any = type(self)
    made = cls.__new__(cls)
    memo[id(self)] = made
    if self.__dict__:
        made.__dict__.update(copy.deepcopy(self.__dict__, memo))
    for key, value in dict.items(self):
        made[key] = value if type(value) in _ATOMIC else copy.deepcopy(value, memo)
    return made


def install() -> None:
    """Put the three in place (once; `feeds.parse` calls it when imported)."""
    parsers = feedparser.api.PREFERRED_XML_PARSERS
    if __name__ not in parsers:
        parsers.insert(0, __name__)
    feedparser.mixin._urljoin = _urljoin
    feedparser.urls._urljoin = _urljoin
    feedparser.util.FeedParserDict.__deepcopy__ = _deepcopy
