"""What the sync engine needs of an aggregator: a small interface a second server type can meet.

TT-RSS's JSON API is one implementation (`ttrss.py`); the Google Reader API (FreshRSS,
Miniflux) fits the same shape: string ids for items and feeds, a cursor for "items since",
and the sets of unread and starred item ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class SyncError(Exception):
    """Sync could not finish; the message is one line for a person, never holding a password."""


class Unreachable(SyncError):
    """The server did not answer (down, refused, timed out, not an API)."""


class AuthFailed(SyncError):
    """The server refused the user name or password."""


class ApiDisabled(SyncError):
    """The server's API is turned off for this user."""


class Refused(SyncError):
    """The server refused one change (a subscription); the rest of the sync goes on."""


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A subscription on the server; `category` is its folder, '' for none."""

    id: str
    url: str
    title: str
    category: str = ""


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """One article as the server has it, with its content (whole or an excerpt)."""

    id: str
    feed_id: str
    title: str
    link: str
    published: datetime
    content_html: str = ""
    author: str = ""
    guid: str = ""
    read: bool = False
    starred: bool = False


class Backend(Protocol):
    """An aggregator account. Every method may raise SyncError (or a subclass)."""

    #: a short name for messages: "TT-RSS at https://…"
    label: str
    #: the server and user, so state agreed with one account is never used with another
    account: str

    def login(self) -> None: ...

    def subscriptions(self) -> list[RemoteFeed]: ...

    def items_since(self, cursor: str) -> tuple[list[RemoteItem], str]:
        """Items the server got after `cursor` ('' for all it has), and the cursor for next time."""
        ...

    def unread_ids(self) -> set[str]: ...

    def starred_ids(self) -> set[str]: ...

    def set_read(self, item_ids: Iterable[str], read: bool) -> None: ...

    def set_starred(self, item_ids: Iterable[str], starred: bool) -> None: ...

    def subscribe(self, url: str, category: str = "") -> None: ...

    def unsubscribe(self, feed: RemoteFeed) -> None: ...

    def close(self) -> None: ...
