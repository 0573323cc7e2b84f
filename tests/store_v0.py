"""A store with every kind of state, written through the Store's public methods only.

`populate` runs unchanged against the store of version 0.1.0 (commit 9744259, which pickled
everything) and against today's, so a test can compare a migrated old store with a new one
read by read. The committed `tests/data/store-v0.tar.gz` was made by running this file with
that commit's code first on the path:

    git worktree add /tmp/old 9744259
    PYTHONPATH=/tmp/old python tests/store_v0.py tests/data/store-v0.tar.gz
"""

from __future__ import annotations

import io
import sys
import tarfile
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tui_reader.extract import SiteStats
from tui_reader.models import Article, Block, Entry, FeedState, Link, LinkRef, Removal

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FEEDS = ("https://a.example/feed", "https://agg.example/rss")
PENDING = "newsboat_pending_state"
# Big enough that diskcache wrote the value to a file of its own, not into cache.db.
BIG_TEXT = "Un párrafo largo sobre compiladores y núcleos. " * 1200
BIG_PAGE = "<html><body>" + "<p>página</p>" * 90_000 + "</body></html>"


def entries() -> list[Entry]:
    made = [
        Entry(
            id=f"id{i:05d}",
            url=f"https://a.example/{i}",
            title=f"Título {i} — ünïcode",
            feeds=(FEEDS[0],),
            published=NOW - timedelta(days=i, minutes=i),
            author="Ana",
            site="a.example",
            summary=f"Resumen {i}",
            language="es",
            guid=f"guid-{i}",
            has_article=i < 3,
            fetched=NOW,
        )
        for i in range(6)
    ]
    made.append(
        Entry(
            id="shared",
            url="https://b.example/story",
            title="One story, two feeds",
            feeds=(FEEDS[1],),
            published=NOW - timedelta(hours=3),
            via=("https://agg.example/r/1",),
            fetched=NOW,
        )
    )
    return made


def articles() -> dict[str, Article]:
    block = Block("paragraph", "Texto con un enlace.", links=(LinkRef(10, 15, 1),), attribution="")
    return {
        "id00000": Article(
            url="https://a.example/0",
            title="Título 0",
            author="Ana",
            published=NOW,
            site_name="A",
            language="es",
            blocks=(Block("heading", "Cabecera", level=2), block),
            links=(Link(1, "enlace", "https://a.example/x"),),
            removed=(Removal("repeated", "Suscríbete"),),
        ),
        "id00001": Article(url="https://a.example/1", blocks=(Block("paragraph", BIG_TEXT),)),
        "id00002": Article(url="https://a.example/2", source="feed"),
    }


def site_stats() -> dict[str, SiteStats]:
    big = {i * 7_919_423_417: (i % 5) + 1 for i in range(4000)}
    return {
        "a.example": SiteStats(articles=3, counts={12345678901234567890 % 2**64: 2, 42: 1}),
        "big.example": SiteStats(articles=40, counts=big),
    }


def populate(store: Any) -> None:
    """Write one of everything the store keeps."""
    made = entries()
    store.add_entries(FEEDS[0], made[:6], articles())
    store.add_entries(FEEDS[1], made[6:], {})
    again = Entry(**{**made[6].to_dict(), "feeds": (FEEDS[0],), "via": (),
                     "published": made[6].published, "fetched": NOW})  # fmt: skip
    store.add_entries(FEEDS[0], [again], {})
    for key, url in ((FEEDS[0], FEEDS[0]), (FEEDS[1], FEEDS[1])):
        store.put_feed_state(
            FeedState(key=key, url=url, title="Feed", etag='"abc"', status="ok", last_ok=NOW)
        )
    store.set_subscriptions(
        [{"url": "https://sub.example/feed", "title": "Sub", "tags": ["tech", "es"]}]
    )
    store.seed_subscriptions([{"url": "https://default.example/rss"}])
    store.set_read(["id00001", "id00003", "gone-but-read"])
    store.set_starred("id00002", True)
    store.set_starred("shared", True)
    store.set_user_value(PENDING, {"https://never.example/x": (True, False)})
    store.set_user_value("counter", 3)
    store.set_ui_position({"feed": FEEDS[0], "entry": "id00002", "language": "es"})
    store.put_alias("aggregator-id", "shared")
    store.claim_titles({"titulo 0": ("id00000", 1.5), "one story": ("shared", 2.0)})
    store.put_raws([("id00000", "<html><p>cero</p></html>", "page"), ("id00001", BIG_PAGE, "page")])
    for site, stats in site_stats().items():
        # 0.1.0 took the SiteStats and pickled it; today's store takes it as data
        store.put_site_stats(site, stats.to_data() if hasattr(stats, "to_data") else stats)


def reads(store: Any) -> dict[str, Any]:
    """Everything `populate` wrote, as the public methods give it back."""
    ids = [e.id for e in entries()]
    return {
        "feed_states": store.feed_states(FEEDS),
        "subscriptions": store.subscriptions(),
        "seeded": store.is_seeded(),
        "entries": {i: store.entry(i) for i in ids},
        "articles": {i: store.article(i) for i in ids},
        "rows": {f: store.rows(f) for f in FEEDS},
        "all_rows": store.all_rows(FEEDS),
        "iter_entries": sorted(e.id for e in store.iter_entries()),
        "alias": store.alias("aggregator-id"),
        "titles": {k: store.title_owner(k) for k in ("titulo 0", "one story")},
        "raw": {i: store.raw(i) for i in ("id00000", "id00001")},
        "read": store.read_ids(),
        "starred": store.starred_ids(),
        "pending": store.user_value(PENDING),
        "counter": store.user_value("counter"),
        "position": store.ui_position(),
        "index_feeds": sorted(store.index_feeds()),
        "site_stats": {s: store.site_stats(s) for s in site_stats()},
        "check": store.check(),
    }


def write_archive(target: Path) -> None:
    from tui_reader.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Store(root / "data", root / "cache") as store:
            populate(store)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for name in ("data", "cache"):
                tar.add(root / name, arcname=name)
        target.write_bytes(buffer.getvalue())


if __name__ == "__main__":
    write_archive(Path(sys.argv[1]))
