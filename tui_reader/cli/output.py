"""What the commands print: each record built in one place, as JSON or as a line of text.

Every string that came from a feed or a page goes through `clean_line` (or the renderer) here,
so no command prints feed text raw.

One JSON convention for every `--json`: JSON Lines, one object per line (an entry, a feed, a
search hit, a fetch result), dates as ISO 8601 in UTC ("2026-11-01T09:30:00Z"), null when
there is none. `fetch --json` ends with one `{"summary": {...}}` line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tui_reader.config import FeedConfig
from tui_reader.models import Article, Entry, EntryRow, FeedState, FetchSummary
from tui_reader.sanitize import clean_line


def print_json(record: Any) -> None:
    """One JSON value on one line (JSON Lines when called once per record)."""
    print(json.dumps(record, ensure_ascii=False))


def print_json_lines(records: Iterable[Any]) -> None:
    for record in records:
        print_json(record)


def iso(value: datetime | float | None) -> str | None:
    """A date as ISO 8601 in UTC, to the second, with a Z: the one form every record uses."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_records(summary: FetchSummary) -> list[dict[str, Any]]:
    """`fetch --json`: one record per feed, then the summary record."""
    feeds: list[dict[str, Any]] = [
        {
            "feed": r.feed,
            "outcome": r.outcome,
            "new_entries": r.new_entries,
            "extracted": r.extracted,
            "error": clean_line(r.error),
            "status_code": r.status_code,
        }
        for r in summary.results
    ]
    total = {
        "ok": summary.count("ok"),
        "failed": summary.count("failed") + summary.count("gone"),
        "not_modified": summary.count("not_modified"),
        "skipped": summary.count("skipped"),
        "new_entries": summary.new_entries,
        "extracted": summary.extracted,
    }
    return [*feeds, {"summary": total}]


def row_record(row: EntryRow, entry: Entry | None, read: bool, starred: bool) -> dict[str, Any]:
    """One line of `list --json`."""
    return {
        "id": row.id,
        "title": clean_line(row.title),
        "site": clean_line(row.site),
        "published": iso(row.published),
        "language": clean_line(row.language),
        "read": read,
        "starred": starred,
        "url": clean_line(entry.url) if entry else "",
        "feeds": list(entry.feeds) if entry else [row.feed],
    }


def row_line(row: EntryRow, read: bool, starred: bool) -> str:
    """One line of `list`: id, date, N (new) and * (starred), site, title."""
    date = datetime.fromtimestamp(row.published, UTC).strftime("%Y-%m-%d")
    flags = (" " if read else "N") + ("*" if starred else " ")
    return f"{row.id}  {date}  {flags}  {clean_line(row.site)[:24]:<24}  {clean_line(row.title)}"


def article_record(
    entry: Entry,
    article: Article,
    text: str,
    original: str,
    repaired: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """`show --json`: the entry, the article's metadata, its text and its numbered links."""
    return {
        "id": entry.id,
        "url": clean_line(entry.url),
        "via": [clean_line(v) for v in entry.via],
        "feeds": list(entry.feeds),
        "title": clean_line(article.title or entry.title),
        "author": clean_line(article.author or entry.author),
        "published": iso(entry.published),
        "language": clean_line(article.language or entry.language),
        "source": article.source,
        "text": text,
        "original": clean_line(original),
        "repaired": [{"published": p, "brand": b} for p, b in repaired],
        "links": [
            {"number": lk.number, "text": clean_line(lk.text), "href": clean_line(lk.href)}
            for lk in article.links
        ],
    }


def status_line(item: dict[str, Any]) -> str:
    """One line of `status` from its record."""
    when = str(item["last_fetch"] or "never")[:16].replace("T", " ").rstrip("Z")
    error = f"  ({item['error']})" if item["error"] else ""
    return (
        f"{item['unread']:>5} unread {item['entries']:>5} held  {when:<16}  "
        f"{item['result']:<12}  {item['title']}{error}"
    )


def hit_record(
    entry_id: str, title: str, snippet: str, score: float, read: bool, published: float | None
) -> dict[str, Any]:
    return {"id": entry_id, "title": clean_line(title), "snippet": clean_line(snippet),
            "score": round(score, 4), "read": read, "published": iso(published)}  # fmt: skip


def hit_lines(entry_id: str, title: str, snippet: str) -> str:
    return f"{entry_id}  {clean_line(title)}\n    {clean_line(snippet)}"


def status_record(
    feed: FeedConfig, title: str, state: FeedState | None, rows: list[EntryRow], read: set[str]
) -> dict[str, Any]:
    """One feed of `status --json`: its last fetch, its result and how many entries are unread."""
    return {
        "feed": feed.url,
        "title": title,
        "last_fetch": iso(state.last_fetch) if state else None,
        "last_ok": iso(state.last_ok) if state else None,
        "result": state.status if state else "never",
        "error": clean_line(state.error) if state else "",
        "entries": len(rows),
        "unread": sum(1 for r in rows if r.id not in read),
    }
