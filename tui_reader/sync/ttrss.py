"""Tiny Tiny RSS's JSON API (api/) as a sync Backend, on httpx like the rest of the fetch.

One client with at most two connections: a sync is a few dozen small requests, and the server
is often a small machine. The session id is kept in memory only; when the server forgets it
(NOT_LOGGED_IN) the client logs in again once and repeats the call. The password is sent in
the login request's body and nowhere else: no message, log line or exception text holds it.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from tui_reader.config import FetchConfig
from tui_reader.feeds.errors import network_reason
from tui_reader.feeds.fetch import USER_AGENT
from tui_reader.sanitize import clean_line
from tui_reader.sync.backend import (
    ApiDisabled,
    AuthFailed,
    Refused,
    RemoteFeed,
    RemoteItem,
    SyncError,
    Unreachable,
)

LOG = logging.getLogger(__name__)
PAGE = 200  # the most getHeadlines returns at once
ALL_ARTICLES, STARRED = -4, -1  # TT-RSS's virtual feeds
ALL_FEEDS = -3
FIELD_STARRED, FIELD_UNREAD = 0, 2
# subscribeToFeed's status codes: 0 already subscribed, 1 added; the others are failures.
SUBSCRIBE_ERRORS = {
    2: "the URL is not valid",
    3: "no feed was found there",
    4: "several feeds were found there; subscribe to one of them",
    5: "the server could not download it",
}


def api_url(url: str) -> str:
    """The API endpoint for a TT-RSS address given with or without its `api/`."""
    base = url.rstrip("/")
    return base + "/" if base.endswith("/api") else base + "/api/"


def _reason(exc: BaseException) -> str:
    """The fetcher's words for a failed connection (`feeds.errors.network_reason`)."""
    if reason := network_reason(exc):
        return reason
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return type(exc).__name__


def _text(value: Any) -> str:
    """A title as TT-RSS sends it (entities escaped), as one clean line."""
    return clean_line(html.unescape(str(value or "")))


class TinyTinyRSS:
    """A TT-RSS account: user and password, the API at `url`."""

    def __init__(self, url: str, user: str, password: str, fetch: FetchConfig) -> None:
        self.url = api_url(url)
        self.user = user
        self._password = password
        self._sid = ""
        self.label = f"TT-RSS at {self.url}"
        self.account = f"ttrss {self.url} {user}"
        self._client = httpx.Client(
            timeout=httpx.Timeout(
                connect=fetch.connect_timeout,
                read=fetch.read_timeout,
                write=fetch.read_timeout,
                pool=fetch.total_timeout,
            ),
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=2),
            headers={"User-Agent": fetch.user_agent or USER_AGENT},
            follow_redirects=True,
            trust_env=True,
        )

    def close(self) -> None:
        self._client.close()

    # -- the wire ------------------------------------------------------------------------------

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.post(self.url, content=json.dumps(body))
        except httpx.HTTPError as exc:
            raise Unreachable(f"{self.label}: cannot connect ({_reason(exc)})") from None
        if response.status_code != 200:
            raise Unreachable(
                f"{self.label}: HTTP {response.status_code}; is this the TT-RSS address?"
            )
        try:
            reply = response.json()
        except ValueError:
            raise Unreachable(f"{self.label}: the answer is not TT-RSS's API (not JSON)") from None
        if not isinstance(reply, dict) or "status" not in reply:
            raise Unreachable(f"{self.label}: the answer is not TT-RSS's API")
        return reply

    def _call(self, op: str, **params: Any) -> Any:
        """One API call; a forgotten session is logged in again, once."""
        if not self._sid:
            self.login()
        for attempt in (1, 2):
            reply = self._post({"op": op, "sid": self._sid, **params})
            if reply.get("status") == 0:
                return reply.get("content")
            error = str((reply.get("content") or {}).get("error", "unknown error"))
            if error == "NOT_LOGGED_IN" and attempt == 1:
                LOG.info("sync: %s forgot the session; logging in again", self.label)
                self.login()
                continue
            if error == "API_DISABLED":
                raise self._api_disabled()
            raise SyncError(f"{self.label}: {op} failed: {error}")
        raise SyncError(f"{self.label}: the server keeps forgetting the session")

    def _api_disabled(self) -> ApiDisabled:
        return ApiDisabled(
            f"{self.label}: the API is turned off for user {self.user!r} "
            "(Preferences → Enable API access)"
        )

    # -- Backend -------------------------------------------------------------------------------

    def login(self) -> None:
        reply = self._post({"op": "login", "user": self.user, "password": self._password})
        content = reply.get("content") or {}
        if reply.get("status") == 0 and content.get("session_id"):
            self._sid = str(content["session_id"])
            return
        error = content.get("error", "")
        if error == "API_DISABLED":
            raise self._api_disabled()
        if error == "LOGIN_ERROR":
            raise AuthFailed(f"{self.label}: wrong user name or password for user {self.user!r}")
        raise SyncError(f"{self.label}: login failed: {error or 'unknown error'}")

    def subscriptions(self) -> list[RemoteFeed]:
        categories = {
            int(c["id"]): _text(c.get("title"))
            for c in self._call("getCategories", include_empty=True) or []
            if int(c.get("id", 0)) > 0
        }
        feeds = []
        for feed in self._call("getFeeds", cat_id=ALL_FEEDS) or []:
            if int(feed.get("id", 0)) <= 0 or not feed.get("feed_url"):
                continue
            feeds.append(
                RemoteFeed(
                    id=str(feed["id"]),
                    url=str(feed["feed_url"]),
                    title=_text(feed.get("title")),
                    category=categories.get(int(feed.get("cat_id") or 0), ""),
                )
            )
        return feeds

    def _headlines(self, feed_id: int, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        while True:
            page = self._call("getHeadlines", feed_id=feed_id, limit=PAGE, skip=len(rows), **params)
            rows.extend(page or [])
            if not page or len(page) < PAGE:
                return rows

    def items_since(self, cursor: str) -> tuple[list[RemoteItem], str]:
        since = int(cursor) if cursor.isdigit() else 0
        rows = self._headlines(
            ALL_ARTICLES,
            view_mode="all_articles",
            since_id=since,
            show_content=True,
            show_excerpt=False,
            include_attachments=False,
            order_by="date_reverse",
        )
        items: dict[str, RemoteItem] = {}
        for row in rows:
            if int(row.get("id", 0)) <= since or not row.get("link"):
                continue
            items[str(row["id"])] = RemoteItem(
                id=str(row["id"]),
                feed_id=str(row.get("feed_id") or ""),
                title=str(row.get("title") or ""),
                link=str(row["link"]),
                published=datetime.fromtimestamp(int(row.get("updated") or 0), UTC),
                content_html=str(row.get("content") or ""),
                author=str(row.get("author") or ""),
                guid=str(row.get("guid") or ""),
                read=not row.get("unread", True),
                starred=bool(row.get("marked")),
            )
        newest = max((int(i) for i in items), default=since)
        return list(items.values()), str(newest)

    def unread_ids(self) -> set[str]:
        rows = self._headlines(ALL_ARTICLES, view_mode="unread", show_content=False)
        return {str(row["id"]) for row in rows if row.get("unread", True)}

    def starred_ids(self) -> set[str]:
        rows = self._headlines(STARRED, view_mode="all_articles", show_content=False)
        return {str(row["id"]) for row in rows}

    def _update(self, item_ids: Iterable[str], field: int, mode: int) -> None:
        ids = sorted(set(item_ids), key=int)
        for start in range(0, len(ids), PAGE):
            chunk = ",".join(ids[start : start + PAGE])
            self._call("updateArticle", article_ids=chunk, mode=mode, field=field)

    def set_read(self, item_ids: Iterable[str], read: bool) -> None:
        self._update(item_ids, FIELD_UNREAD, 0 if read else 1)

    def set_starred(self, item_ids: Iterable[str], starred: bool) -> None:
        self._update(item_ids, FIELD_STARRED, 1 if starred else 0)

    def subscribe(self, url: str, category: str = "") -> None:
        category_id = 0
        if category:
            for c in self._call("getCategories", include_empty=True) or []:
                if str(c.get("title") or "").casefold() == category.casefold():
                    category_id = int(c["id"])
        content = self._call("subscribeToFeed", feed_url=url, category_id=category_id) or {}
        status = content.get("status")
        code = status.get("code") if isinstance(status, dict) else status
        if code not in (0, 1):
            why = SUBSCRIBE_ERRORS.get(int(code or 0), f"code {code}")
            raise Refused(f"{self.label}: could not subscribe to {url}: {why}")

    def unsubscribe(self, feed: RemoteFeed) -> None:
        try:
            self._call("unsubscribeFeed", feed_id=int(feed.id))
        except SyncError as exc:
            if "FEED_NOT_FOUND" not in str(exc):
                raise
