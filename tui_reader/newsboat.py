"""Import from newsboat: its `urls` file as subscriptions, its `cache.db` as read/flagged state.

We never run commands: `exec:` and `filter:` feeds are listed as skipped, as are `query:` feeds
(they are saved searches over newsboat's own cache, which tui-reader does not have).

Newsboat's `!` tag (hide the feed from the feed list) is imported as the tag `hidden`.
Newsboat has no "starred": articles carry user-chosen flag letters (A-Z, a-z), and an article
with any flag is imported as starred unless `star_flags` names the letters that mean it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui_reader.feeds.links import canonical_url
from tui_reader.models import Entry
from tui_reader.opml import ImportResult, Skipped, accept_url, dedupe_feeds
from tui_reader.sanitize import clean_line

HIDDEN_TAG = "hidden"
_DELIMITERS = " \r\n\t"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_NOT_SUPPORTED = {
    "exec:": "runs a command to get the feed (exec:); tui-reader never runs commands",
    "filter:": "pipes the feed through a command (filter:); tui-reader never runs commands",
    "query:": "a newsboat query feed (query:); query feeds are not supported",
}
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")

PendingState = dict[str, tuple[bool, bool]]
EntryLookup = Callable[[str], str | None] | Mapping[str, str]


# -- the urls file -------------------------------------------------------------------------


def tokenize(line: str) -> list[str]:
    """Split a urls line as newsboat does: whitespace-separated, "quoted \\"strings\\"", and a
    `#` outside quotes starts a comment."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i] in _DELIMITERS:
            i += 1
        if i >= n or line[i] == "#":
            break
        if line[i] == '"':
            i += 1
            token: list[str] = []
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                    token.append(_ESCAPES.get(line[i], line[i]))
                else:
                    token.append(line[i])
                i += 1
            i += 1  # the closing quote (an unclosed one ends at the end of the line)
            tokens.append("".join(token))
        else:
            start = i
            while i < n and line[i] not in _DELIMITERS:
                i += 1
            tokens.append(line[start:i])
    return tokens


def parse_urls(text: str, source: str) -> ImportResult:
    """Feeds and skipped lines of a newsboat `urls` file.

    `"~Title"` sets the title, `"!"` becomes the tag `hidden`, other words are tags. A URL
    listed twice is one feed with the tags of both lines.
    """
    feeds: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = tokenize(line)
        if not tokens:
            continue
        raw = tokens[0]
        kind = next((k for k in _NOT_SUPPORTED if raw.lower().startswith(k)), None)
        if kind is not None:
            skipped.append(Skipped(clean_line(raw), _NOT_SUPPORTED[kind], number))
            continue
        url, reason = accept_url(raw)
        if not url:
            skipped.append(Skipped(clean_line(raw), reason, number))
            continue
        title = ""
        tags: list[str] = []
        for token in tokens[1:]:
            if token.startswith("~"):
                title = clean_line(token[1:])
            elif token == "!":
                tags.append(HIDDEN_TAG)
            elif clean_line(token):
                tags.append(clean_line(token))
        feed: dict[str, Any] = {"url": url}
        if title:
            feed["title"] = title
        if tags:
            feed["tags"] = list(dict.fromkeys(tags))
        feeds.append(feed)
    return ImportResult(source=source, feeds=tuple(dedupe_feeds(feeds)), skipped=tuple(skipped))


# -- the cache: read and flagged state -----------------------------------------------------


def normalise_url(url: str) -> str:
    """A matching key for an article URL: the same story written slightly differently by two
    readers (http/https, host case, default port, fragment, tracking parameters, a trailing
    slash) gives the same key. Not a URL to open.

    Builds on `canonical_url` (the spelling entry ids are made from), then folds further: a
    key only has to match, not to be fetched."""
    url = canonical_url(url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING_PARAMS)
        ]
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", host, path, query, ""))


def entry_url_index(
    entries: Iterable[Entry], *, normalise: Callable[[str], str] = normalise_url
) -> dict[str, str]:
    """normalised article URL -> entry id, for `import_cache_state` and `apply_pending`.

    An entry whose guid is an http(s) URL (often the permalink) is also found by it.
    """
    index: dict[str, str] = {}
    for entry in entries:
        for url in (entry.guid, *entry.via, entry.url):  # the article URL wins over the others
            if url and urlsplit(url).scheme.lower() in ("http", "https"):
                index[normalise(url)] = entry.id
    return index


def _open_cache(cache_db: Path) -> sqlite3.Connection:
    if not Path(cache_db).is_file():
        raise ValueError(f"{cache_db}: no such newsboat cache file")
    uri = Path(cache_db).resolve().as_uri() + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=5.0)
        columns = {row[1] for row in db.execute("PRAGMA table_info(rss_item)")}
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{cache_db}: not a newsboat cache ({exc})") from None
    if not {"url", "unread"} <= columns:
        db.close()
        raise ValueError(f"{cache_db}: not a newsboat cache (no rss_item table with url, unread)")
    return db


def pending_state(
    cache_db: Path,
    *,
    star_flags: str | None = None,
    normalise: Callable[[str], str] = normalise_url,
) -> PendingState:
    """normalised article URL -> (read, flagged) for every article newsboat knows as read or
    flagged, to persist and apply once the entries have been fetched (`apply_pending`).

    An article newsboat deleted counts as read. `star_flags`: the flag letters that mean
    starred (None: any flag).
    """
    db = _open_cache(cache_db)
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(rss_item)")}
        flags_col = "flags" if "flags" in columns else "''"
        deleted_col = "deleted" if "deleted" in columns else "0"
        rows = db.execute(f"SELECT url, unread, {flags_col}, {deleted_col} FROM rss_item")
        state: PendingState = {}
        for url, unread, flags, deleted in rows:
            if not url:
                continue
            read = not unread or bool(deleted)
            letters = set(flags or "")
            flagged = not deleted and bool(
                letters if star_flags is None else letters & set(star_flags)
            )
            if not (read or flagged):
                continue
            key = normalise(str(url))
            was_read, was_flagged = state.get(key, (False, False))
            state[key] = (was_read or read, was_flagged or flagged)
        return state
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{cache_db}: cannot read the newsboat cache ({exc})") from None
    finally:
        db.close()


def apply_pending(
    pending: Mapping[str, tuple[bool, bool]], entries_by_url: EntryLookup
) -> tuple[set[str], set[str], PendingState]:
    """(read ids, starred ids, what is still pending) for the entries we now have."""
    lookup = entries_by_url.get if isinstance(entries_by_url, Mapping) else entries_by_url
    read_ids: set[str] = set()
    starred_ids: set[str] = set()
    remaining: PendingState = {}
    for url, (read, flagged) in pending.items():
        entry_id = lookup(url)
        if entry_id is None:
            remaining[url] = (read, flagged)
            continue
        if read:
            read_ids.add(entry_id)
        if flagged:
            starred_ids.add(entry_id)
    return read_ids, starred_ids, remaining


def import_cache_state(
    cache_db: Path, entries_by_url: EntryLookup, *, star_flags: str | None = None
) -> tuple[set[str], set[str]]:
    """(read ids, starred ids) of the stored entries newsboat had read or flagged.

    `entries_by_url` maps a normalised article URL (`normalise_url`) to an entry id, e.g.
    `entry_url_index(store.iter_entries())`. Articles not stored yet are not returned: keep
    `pending_state(cache_db)` and call `apply_pending` after the first fetch.
    """
    read_ids, starred_ids, _ = apply_pending(
        pending_state(cache_db, star_flags=star_flags), entries_by_url
    )
    return read_ids, starred_ids
