"""One sync with a Backend: subscriptions, new items, then read and starred, both ways.

`pull` agrees the subscriptions and brings the items the server got since the last sync, as
parsed feeds the pipeline stores like any feed's (so an excerpt's page is still fetched and
extracted). `settle`, once they are stored, matches them to entries and merges the flags three
ways (`state.py`). Nothing here knows which server it talks to.
"""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tui_reader.feeds.links import canonical_url, entry_id, title_key
from tui_reader.feeds.parse import (
    MAX_AUTHOR,
    MAX_SUMMARY,
    MAX_TITLE,
    ParsedFeed,
    ParsedItem,
    content_is_complete,
    html_to_text,
    strip_footer,
)
from tui_reader.models import utcnow
from tui_reader.sanitize import clean_line, is_safe_url
from tui_reader.store import Store
from tui_reader.sync.backend import Backend, Refused, RemoteFeed, RemoteItem
from tui_reader.sync.state import SyncState, merge_flag

LOG = logging.getLogger(__name__)
FUTURE_SKEW = timedelta(hours=1)


@dataclass
class SyncReport:
    """What one sync did, for its summary line."""

    feeds: int = 0
    added_here: int = 0
    removed_here: int = 0
    subscribed: int = 0
    unsubscribed: int = 0
    new_items: int = 0
    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    received: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        def counts(found: dict[str, int]) -> str:
            done = [f"{n} {what}" for what, n in sorted(found.items()) if n]
            return ", ".join(done) or "nothing"

        subs = f"{self.feeds} feeds"
        changes = [
            f"+{self.added_here} here" if self.added_here else "",
            f"-{self.removed_here} here" if self.removed_here else "",
            f"+{self.subscribed} there" if self.subscribed else "",
            f"-{self.unsubscribed} there" if self.unsubscribed else "",
        ]
        if any(changes):
            subs += " (" + ", ".join(c for c in changes if c) + ")"
        return (
            f"synced {subs}, {self.new_items} new items; "
            f"sent {counts(self.sent)}; received {counts(self.received)}"
        )


@dataclass
class Pulled:
    """What `pull` brought: the parsed feeds to store, and the items for `settle`."""

    parsed: dict[str, ParsedFeed]
    items: list[tuple[str, RemoteItem]]  # (feed URL, item)
    cursor: str


def _parsed_item(item: RemoteItem) -> ParsedItem | None:
    link = item.link.strip()
    if not is_safe_url(link):
        return None
    text = html_to_text(item.content_html)
    now = utcnow()
    return ParsedItem(
        title=clean_line(html.unescape(item.title))[:MAX_TITLE],
        link=link,
        guid=clean_line(item.guid)[:1000],
        author=clean_line(item.author)[:MAX_AUTHOR],
        published=min(item.published, now + FUTURE_SKEW) if item.published.timestamp() else now,
        summary=strip_footer(text)[:MAX_SUMMARY],
        content_html=item.content_html,
        language="",
        content_complete=bool(item.content_html) and content_is_complete(text),
    )


class SyncEngine:
    """Sync one store with one account. `fixed` are the config file's feed URLs (never changed)."""

    def __init__(self, backend: Backend, store: Store, fixed: Iterable[str] = ()) -> None:
        self.backend = backend
        self.store = store
        self.fixed = set(fixed)
        self.state = SyncState.load(store, backend.account)
        self.report = SyncReport()
        self.server: dict[str, RemoteFeed] = {}

    # -- subscriptions -------------------------------------------------------------------------

    def pull(self) -> Pulled:
        self.backend.login()
        self.agree_subscriptions()
        items, cursor = self.backend.items_since(self.state.cursor)
        by_id = {f.id: f for f in self.server.values()}
        grouped: dict[str, list[ParsedItem]] = defaultdict(list)
        kept: list[tuple[str, RemoteItem]] = []
        for item in items:
            feed = by_id.get(item.feed_id)
            parsed = _parsed_item(item)
            if feed is None or parsed is None:
                continue
            grouped[feed.url].append(parsed)
            kept.append((feed.url, item))
        self.report.new_items = len(kept)
        parsed_feeds = {
            url: ParsedFeed(
                url=url, title=self.server[url].title, site_url="", language="", items=tuple(found)
            )
            for url, found in grouped.items()
        }
        # Feeds with nothing new are stored as "ok, nothing new" rather than fetched.
        for url, feed in self.server.items():
            parsed_feeds.setdefault(url, ParsedFeed(url, feed.title, "", "", ()))
        return Pulled(parsed_feeds, kept, cursor)

    def agree_subscriptions(self) -> None:
        state = self.state
        server = {f.url: f for f in self.backend.subscriptions()}
        subs = self.store.subscriptions()
        here = {s["url"] for s in subs}
        first = state.last_sync is None and not state.feeds
        if first:
            state.local_only = sorted(here - set(server) - self.fixed)
        state.local_only = [u for u in state.local_only if u in here]
        local_only = set(state.local_only)
        changed = False
        for sub in subs:
            url = sub["url"]
            if url in local_only or url in state.feeds or url in server or url in self.fixed:
                continue
            try:
                tags = sub.get("tags") or []
                self.backend.subscribe(url, tags[0] if tags else "")
                self.report.subscribed += 1
            except Refused as exc:
                self.report.warnings.append(f"{exc}; kept here only")
                state.local_only.append(url)
            changed = True
        for url in list(state.feeds):
            if url not in here and url not in self.fixed and url in server:
                self.backend.unsubscribe(server[url])
                self.report.unsubscribed += 1
                changed = True
        if changed:
            server = {f.url: f for f in self.backend.subscriptions()}
        kept = []
        for sub in subs:
            url = sub["url"]
            if url in state.feeds and url not in server:
                self.store.drop_feed(url)  # unsubscribed on the server
                self.report.removed_here += 1
                continue
            remote = server.get(url)
            old = state.feeds.get(url, {}).get("category", "")
            if remote is not None and remote.category != old:
                tags = [t for t in sub.get("tags", []) if t != old]
                sub = sub | {"tags": [remote.category, *tags] if remote.category else tags}
            kept.append(sub)
        for url, remote in server.items():
            if url not in here and url not in self.fixed:
                new = {"url": url, "title": remote.title}
                kept.append(new | {"tags": [remote.category]} if remote.category else new)
                self.report.added_here += 1
        if kept != subs:
            self.store.set_subscriptions(kept)
        self.server = server
        self.report.feeds = len(server)
        state.feeds = {
            u: {"id": f.id, "title": f.title, "category": f.category} for u, f in server.items()
        }
        state.save(self.store)

    # -- items and their flags -----------------------------------------------------------------

    def _entry_for(self, feed_url: str, item: RemoteItem, rows: dict[str, Any]) -> str:
        """The entry an item became: by its link, else by its title in its feed.

        The server's guid is its own hash, and it may have rewritten the link (TT-RSS drops a
        non-default port), so the link's entry id is tried first and the title second.
        """
        eid = entry_id(canonical_url(item.link))
        eid = self.store.alias(eid) or eid
        if self.store.has_entry(eid):
            return eid
        if feed_url not in rows:
            rows[feed_url] = {title_key(r.title): r.id for r in self.store.rows(feed_url)}
        return str(rows[feed_url].get(title_key(clean_line(html.unescape(item.title))), ""))

    def settle(self, pulled: Pulled) -> SyncReport:
        state = self.state
        rows: dict[str, Any] = {}
        fresh: set[str] = set()
        for feed_url, item in pulled.items:
            if item.id in state.items:
                continue
            eid = self._entry_for(feed_url, item, rows)
            if eid:
                state.items[item.id] = [eid, None, None]
                fresh.add(item.id)
        unread = self.backend.unread_ids()
        starred = self.backend.starred_ids()
        read_here = self.store.read_ids()
        starred_here = self.store.starred_ids()
        send: dict[tuple[str, bool], list[str]] = defaultdict(list)
        apply: dict[tuple[str, bool], list[str]] = defaultdict(list)
        agreed_now: dict[str, list[Any]] = {}
        for sid, (eid, was_read, was_starred) in state.items.items():
            agreed_now[sid] = [eid]
            for flag, agreed, here, there in (
                ("read", was_read, eid in read_here, sid not in unread),
                ("starred", was_starred, eid in starred_here, sid in starred),
            ):
                now = merge_flag(agreed, here, there)
                agreed_now[sid].append(now)
                if there != now:
                    send[(flag, now)].append(sid)
                if here != now:
                    apply[(flag, now)].append(eid)
        for (flag, value), sids in sorted(send.items()):
            if flag == "read":
                self.backend.set_read(sids, value)
            else:
                self.backend.set_starred(sids, value)
            self.report.sent[_label(flag, value)] += len(sids)
        for (flag, value), eids in sorted(apply.items()):
            if flag == "read":
                self.store.set_read(eids, value)
            else:
                for eid in eids:
                    self.store.set_starred(eid, value)
            self.report.received[_label(flag, value)] += len(eids)
        # What both sides hold now; a flag changed here meanwhile still differs from it.
        state.items = {
            sid: value
            for sid, value in agreed_now.items()
            if self.store.has_entry(value[0])  # gone here (retention): nothing to agree on
        }
        state.cursor = pulled.cursor
        state.succeeded(self.store)
        LOG.info("sync: %s", self.report.line())
        return self.report


def _label(flag: str, value: bool) -> str:
    if flag == "read":
        return "read" if value else "unread"
    return "starred" if value else "unstarred"
