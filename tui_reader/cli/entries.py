"""`list`, `show`, `status` and `search`: reading the store, never writing it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tui_reader.cli.common import feed_title, open_store, select_feeds
from tui_reader.cli.output import (
    article_record,
    hit_lines,
    hit_record,
    print_json,
    print_json_lines,
    row_line,
    row_record,
    status_line,
    status_record,
)
from tui_reader.cli.parser import EXIT_OK, NotFound, UserError
from tui_reader.config import Config
from tui_reader.store import StoreError


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.services import effective_feeds

    with open_store(config) as store:
        feeds = effective_feeds(config, store)
        if args.feed:
            feeds = select_feeds(feeds, [args.feed], store)
        rows = store.all_rows([f.url for f in feeds])
        read = store.read_ids()
        starred = store.starred_ids()
        if args.unread:
            rows = [r for r in rows if r.id not in read]
        if args.starred:
            rows = [r for r in rows if r.id in starred]
        if args.language:
            wanted = args.language.casefold()
            rows = [r for r in rows if r.language.casefold().startswith(wanted)]
        if args.limit > 0:
            rows = rows[: args.limit]
        for row in rows:
            if args.json:
                entry = store.entry(row.id)
                print_json(row_record(row, entry, row.id in read, row.id in starred))
            else:
                print(row_line(row, row.id in read, row.id in starred))
    return EXIT_OK


def cmd_show(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.credits import original_url
    from tui_reader.glossary import GlossaryError, for_display
    from tui_reader.models import Article
    from tui_reader.pending import settled_article
    from tui_reader.render import article_text
    from tui_reader.services import AmbiguousId, resolve_entry_id

    with open_store(config) as store:
        try:
            entry_id = resolve_entry_id(store, args.id)
        except AmbiguousId as exc:
            raise UserError(str(exc)) from None
        entry = store.entry(entry_id) if entry_id is not None else None
        if entry is None:
            raise NotFound(f"no entry with id {args.id!r} (see `tui-reader list`)")
        article = settled_article(config, store, entry.id) or Article(
            url=entry.url,
            title=entry.title,
            source="summary",
            blocks=_summary_blocks(entry.summary),
        )
    original = original_url(article, entry.url, entry.original)
    try:  # brand names repaired as the reader shows them, unless --published
        article, repaired = for_display(
            article, entry.language, entry.title, published=args.published
        )
    except GlossaryError as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        text = article_text(article, entry, width=10_000, original=original)
        print_json(article_record(entry, article, text, original, repaired))
        return EXIT_OK
    width = args.width or config.reader.measure
    text = article_text(article, entry, width=width, original=original, repaired=repaired)
    if sys.stdout.isatty() and not args.no_pager:
        from tui_reader.external import page

        page(text)  # $PAGER, without a shell
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _summary_blocks(summary: str) -> tuple[Any, ...]:
    from tui_reader.models import Block

    return tuple(Block("paragraph", p) for p in summary.split("\n") if p.strip())


def cmd_status(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.services import effective_feeds

    with open_store(config) as store:
        feeds = effective_feeds(config, store)
        read = store.read_ids()
        out = []
        for feed in feeds:
            state = store.feed_state(feed.url)
            rows = store.rows(feed.url)
            out.append(status_record(feed, feed_title(feed, state), state, rows, read))
        sync_line = ""
        if config.sync is not None:
            from tui_reader.sync.state import describe, pending

            sync_line = describe(*pending(store), hint="")
    if args.json:
        print_json_lines(out)
        return EXIT_OK
    for item in out:
        print(status_line(item))
    if sync_line:
        print(f"sync: {sync_line}")
    return EXIT_OK


def cmd_search(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.search import SearchIndexError
    from tui_reader.services import effective_feeds

    query = " ".join(args.query)
    with open_store(config) as store:
        feed = (
            select_feeds(effective_feeds(config, store), [args.feed], store)[0].url
            if args.feed
            else None
        )
        try:
            hits = store.search_index().search(query, limit=args.limit, feed=feed)
        except SearchIndexError as exc:
            raise StoreError(str(exc)) from None
        entries = {h.entry_id: store.entry(h.entry_id) for h in hits}
        hits = [h for h in hits if entries[h.entry_id] is not None]
        read = store.read_ids()
    for hit in hits:
        if args.json:
            found = entries[hit.entry_id]
            published = found.published.timestamp() if found is not None else None
            print_json(
                hit_record(
                    hit.entry_id, hit.title, hit.snippet, hit.score, hit.entry_id in read, published
                )
            )
        else:
            print(hit_lines(hit.entry_id, hit.title, hit.snippet))
    return EXIT_OK
