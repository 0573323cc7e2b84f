"""Command line: a bare `tui-reader` opens the reader; subcommands are headless.

Exit codes: 0 all went well, 1 some feeds (or sources) failed, 2 usage or config error,
75 another fetch holds the lock. The headless commands never import Textual, and only the
commands that extract import trafilatura.
"""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from tui_reader import __version__
from tui_reader.config import Config, ConfigError, FeedConfig, load_config
from tui_reader.models import FeedResult, FetchSummary
from tui_reader.sanitize import clean_line, is_safe_url
from tui_reader.store import Store, StoreError, StoreLocked

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75

log = logging.getLogger("tui_reader")


class UserError(Exception):
    """A mistake of the user's, reported as one line with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader",
        description="A terminal reader for translated tech news. With no command, opens the reader.",
    )
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: XDG config dir)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr")
    # The same options after the subcommand; SUPPRESS keeps them from resetting the ones before.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    common.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="log to stderr"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_parser = sub.add_parser

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return add_parser(name, parents=[common], **kwargs)

    fetch = command("fetch", help="fetch every feed (for cron), extract, store")
    fetch.add_argument("--feed", action="append", metavar="NAME_OR_URL", help="only this feed")
    fetch.add_argument("--no-fulltext", action="store_true", help="feeds only, fetch no page")
    fetch.add_argument("--json", action="store_true", help="print the summary and results as JSON")

    sync = command("sync", help="sync subscriptions, entries, read and starred with [sync]")
    sync.add_argument("--no-fulltext", action="store_true", help="fetch no page")
    sync.add_argument("--json", action="store_true", help="print the summary as JSON")

    feeds = command("feeds", help="list, add or remove subscriptions")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    fl = feeds_sub.add_parser("list", parents=[common], help="list subscribed feeds")
    fl.add_argument("--json", action="store_true")
    fa = feeds_sub.add_parser("add", parents=[common], help="subscribe to a feed")
    fa.add_argument("url")
    fa.add_argument("--title", default="")
    fa.add_argument("--tag", action="append", default=[], dest="tags")
    fr = feeds_sub.add_parser("remove", parents=[common], help="unsubscribe from a feed")
    fr.add_argument("name_or_url")

    ls = command("list", help="list stored entries, newest first")
    ls.add_argument("--unread", action="store_true")
    ls.add_argument("--starred", action="store_true")
    ls.add_argument("--feed", metavar="NAME_OR_URL")
    ls.add_argument("--language", metavar="CODE", help="only entries in this language (es, pt...)")
    ls.add_argument("--limit", type=int, default=0)
    ls.add_argument("--json", action="store_true")

    show = command("show", help="print one article as text with its numbered links")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.add_argument("--width", type=int, default=0)
    show.add_argument(
        "--published", action="store_true", help="brand names as printed, not repaired"
    )

    status = command("status", help="per feed: last fetch, result, unread count")
    status.add_argument("--json", action="store_true")

    ext = command("extract", help="extract the article from pages or files")
    ext.add_argument("sources", nargs="+", metavar="SOURCE", help="a file or an http(s) URL")
    ext.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    ext.add_argument("--url", help="the page URL, to resolve relative links of a file")
    ext.add_argument("--explain", action="store_true", help="show which rule removed which block")

    reext = command("reextract", help="apply changed rules to stored pages, offline")
    reext.add_argument("--feed", metavar="NAME_OR_URL")

    command("doctor", help="check the store and rebuild its indexes")

    imp = command("import", help="subscribe to the feeds of an OPML file or a newsboat urls file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--newsboat", action="store_true", help="FILE is a newsboat urls file")
    imp.add_argument(
        "--cache-db", type=Path, help="newsboat's cache.db: carry over read and flagged"
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported")

    exp = command("export", help="print the subscriptions as OPML")
    exp.add_argument("--opml2", action="store_true", help="OPML 2.0 with categories")
    exp.add_argument("-o", "--output", type=Path, help="write to a file instead of stdout")

    search = command("search", help="full-text search over stored articles")
    search.add_argument("query", nargs="+")
    search.add_argument("--feed", metavar="NAME_OR_URL")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true")

    demo = command("demo", help="open the reader on bundled sample feeds, offline")
    demo.add_argument("--no-ui", action="store_true", help="fetch the demo and print the summary")
    return parser


def _setup_logging(config: Config | None, verbosity: int) -> None:
    root = logging.getLogger("tui_reader")
    root.setLevel(logging.DEBUG)
    root.propagate = False
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if verbosity:
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)
        stderr.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        stderr.addFilter(lambda record: not getattr(record, "summary", False))  # printed anyway
        root.addHandler(stderr)
    if config is not None:
        try:
            config.log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                config.log_file, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
            )
        except OSError:
            return
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        root.addHandler(handler)


def _err(message: str) -> None:
    print(f"tui-reader: {clean_line(message)}", file=sys.stderr)


@contextmanager
def _open_store(config: Config, *, writing: bool = False) -> Iterator[Store]:
    """The store; a read-only one (or cache dir) said so in a line, unless writing will refuse."""
    from tui_reader.services import store_for

    store = store_for(config)
    try:
        if not (writing and store.read_only):
            for notice in store.notices:
                _err(notice)
        yield store
    finally:
        store.close()


def _select_feeds(feeds: list[FeedConfig], names: list[str] | None) -> list[FeedConfig]:
    from tui_reader.services import find_feeds

    if not names:
        return feeds
    chosen: dict[str, FeedConfig] = {}
    for name in names:
        found = find_feeds(feeds, name)
        if not found:
            raise UserError(f"no subscribed feed matches {name!r} (see `tui-reader feeds list`)")
        chosen.update((f.url, f) for f in found)
    return list(chosen.values())


# -- fetch --------------------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on a TTY; nothing at all under cron."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = stream.isatty() and total > 0

    def __call__(self, result: FeedResult) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // self.total
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} feeds"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def _summary_json(summary: FetchSummary) -> dict[str, Any]:
    return {
        "summary": {
            "ok": summary.count("ok"),
            "failed": summary.count("failed") + summary.count("gone"),
            "not_modified": summary.count("not_modified"),
            "skipped": summary.count("skipped"),
            "new_entries": summary.new_entries,
            "extracted": summary.extracted,
        },
        "feeds": [
            {
                "feed": r.feed,
                "outcome": r.outcome,
                "new_entries": r.new_entries,
                "extracted": r.extracted,
                "error": clean_line(r.error),
                "status_code": r.status_code,
            }
            for r in summary.results
        ],
    }


def cmd_fetch(config: Config, args: argparse.Namespace) -> int:
    from tui_reader import pipeline
    from tui_reader.services import effective_feeds

    verbose = args.verbose
    with _open_store(config, writing=True) as store:
        feeds = _select_feeds(effective_feeds(config, store), args.feed)
        progress = _Progress(len(feeds), sys.stderr)
        progress.enabled = progress.enabled and not args.json and not verbose
        sync_error = ""
        try:
            with store.fetch_lock():
                if config.sync is not None:  # the server's feeds and state first, then the rest
                    from tui_reader.sync.service import run_sync

                    outcome = run_sync(
                        config,
                        store,
                        select=lambda every, _: _select_feeds(every, args.feed),
                        fulltext=not args.no_fulltext,
                        progress=progress,
                        force=bool(args.feed),
                    )
                    summary, sync_error = outcome.summary or FetchSummary(()), outcome.error
                else:
                    summary = pipeline.run_update(
                        config,
                        store,
                        feeds=feeds,
                        fulltext=not args.no_fulltext,
                        progress=progress,
                        force=bool(args.feed),
                    )
        except StoreLocked as exc:
            _err(f"{exc}; not fetching")
            return EXIT_LOCKED
        finally:
            progress.finish()
    for result in summary.results:
        # A feed skipped because the server said "not now" in this very run is worth a line;
        # one skipped because of an earlier answer (or gone for good) was reported then.
        rate_limited = result.outcome == "skipped" and result.status_code is not None
        if result.outcome in ("failed", "gone") or rate_limited:
            _err(f"{result.feed}: {result.error or result.outcome}")
    if sync_error:
        _err(f"sync: {sync_error}")
    log.info("fetch: %s", summary.line(), extra={"summary": True})
    if args.json:
        print(json.dumps(_summary_json(summary), ensure_ascii=False))
    elif verbose or sys.stderr.isatty():
        print(summary.line(), file=sys.stderr)
    return EXIT_SOME_FAILED if summary.failed or sync_error else EXIT_OK


def cmd_sync(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.sync.command import cmd_sync as run

    return run(config, as_json=args.json, fulltext=not args.no_fulltext)


# -- feeds --------------------------------------------------------------------------------------


def cmd_feeds(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.services import effective_feeds, feed_to_dict, seeded_defaults

    with _open_store(config) as store:
        feeds = effective_feeds(config, store)
        if args.feeds_command == "list":
            states = store.feed_states(f.url for f in feeds)
            if args.json:
                out = []
                for feed in feeds:
                    state = states.get(feed.url)
                    out.append(
                        feed_to_dict(feed)
                        | {"title": _feed_title(feed, state), "from": _origin(config, feed)}
                    )
                print(json.dumps(out, ensure_ascii=False, indent=2))
            else:
                for feed in feeds:
                    tags = f"  [{clean_line(', '.join(feed.tags))}]" if feed.tags else ""
                    print(
                        f"{clean_line(feed.url)}  {_feed_title(feed, states.get(feed.url))}{tags}"
                    )
            return EXIT_OK
        if args.feeds_command == "add":
            url = _choose_feed(config, args.url)
            subs = store.subscriptions()
            if any(s["url"] == url for s in subs):  # a default, now the user's own choice
                store.adopt_seeded(url, seeded_defaults(store))
            if any(f.url == url for f in feeds):
                print(f"already subscribed: {clean_line(url)}")
                return EXIT_OK
            if any(s["url"] == url for s in subs):
                print(f"subscribed: {clean_line(url)}")
                return EXIT_OK
            subs.append(feed_to_dict(FeedConfig(url=url, title=args.title, tags=tuple(args.tags))))
            store.set_subscriptions(subs)
            print(f"subscribed: {clean_line(url)}")
            return EXIT_OK
        # remove
        from tui_reader.services import find_feeds

        found = find_feeds(feeds, args.name_or_url)
        if not found:
            raise UserError(f"no subscribed feed matches {args.name_or_url!r}")
        in_config = [f for f in found if f in config.feeds]
        if in_config:
            raise UserError(f"{in_config[0].url} is listed in {config.source}; remove it there")
        urls = {f.url for f in found}
        store.set_subscriptions([s for s in store.subscriptions() if s["url"] not in urls])
        for url in urls:
            store.drop_feed(url)
            print(f"unsubscribed: {clean_line(url)}")
        return EXIT_OK


def _choose_feed(config: Config, url: str) -> str:
    """The feed to subscribe to for `url`: itself, the only feed its page offers, or the user's pick."""
    from tui_reader.discover import DiscoveryError, discover_feeds

    if not is_safe_url(url):
        raise UserError(f"{url!r} is not an http(s) URL")
    try:
        found = discover_feeds(url, config.fetch)
    except DiscoveryError as exc:
        raise UserError(str(exc)) from None
    if len(found) == 1:
        return found[0].url
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        listing = ", ".join(c.url for c in found)
        raise UserError(f"{url} offers {len(found)} feeds; add one of them: {listing}")
    for number, candidate in enumerate(found, 1):
        print(
            f"{number}. {candidate.title or '(untitled)'}  {candidate.url}  ({candidate.entries} entries)"
        )
    while True:
        answer = input(f"Which feed? [1-{len(found)}, empty to cancel] ").strip()
        if not answer:
            raise UserError("nothing added")
        if answer.isdigit() and 1 <= int(answer) <= len(found):
            return found[int(answer) - 1].url


def _origin(config: Config, feed: FeedConfig) -> str:
    return "config" if feed in config.feeds else "subscription"


def _feed_title(feed: FeedConfig, state: Any) -> str:
    return clean_line(feed.title or (state.title if state is not None else "") or feed.url)


# -- list, show, status -------------------------------------------------------------------------


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.services import effective_feeds

    with _open_store(config) as store:
        feeds = effective_feeds(config, store)
        if args.feed:
            feeds = _select_feeds(feeds, [args.feed])
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
        if args.json:
            for row in rows:
                entry = store.entry(row.id)
                record = {
                    "id": row.id,
                    "title": clean_line(row.title),
                    "site": clean_line(row.site),
                    "published": row.published,
                    "read": row.id in read,
                    "starred": row.id in starred,
                    "url": clean_line(entry.url) if entry else "",
                    "feeds": list(entry.feeds) if entry else [row.feed],
                }
                print(json.dumps(record, ensure_ascii=False))
            return EXIT_OK
        from datetime import UTC, datetime

        for row in rows:
            date = datetime.fromtimestamp(row.published, UTC).strftime("%Y-%m-%d")
            flags = ("N" if row.id not in read else " ") + ("*" if row.id in starred else " ")
            print(
                f"{row.id}  {date}  {flags}  {clean_line(row.site)[:24]:<24}  {clean_line(row.title)}"
            )
    return EXIT_OK


def cmd_show(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.credits import original_url
    from tui_reader.glossary import GlossaryError, for_display
    from tui_reader.models import Article
    from tui_reader.render import article_text

    with _open_store(config) as store:
        entry = store.entry(args.id)
        if entry is None:
            raise UserError(f"no entry with id {args.id!r} (see `tui-reader list`)")
        article = store.article(args.id) or Article(
            url=entry.url,
            title=entry.title,
            source="summary",
            blocks=_summary_blocks(entry.summary),
        )
    original = original_url(article, entry.url)
    try:  # brand names repaired as the reader shows them, unless --published
        article, repaired = for_display(
            article, entry.language, entry.title, published=args.published
        )
    except GlossaryError as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        record = {
            "id": entry.id,
            "url": clean_line(entry.url),
            "via": [clean_line(v) for v in entry.via],
            "feeds": list(entry.feeds),
            "title": clean_line(article.title or entry.title),
            "author": clean_line(article.author or entry.author),
            "published": entry.published.isoformat(),
            "language": clean_line(article.language or entry.language),
            "source": article.source,
            "text": article_text(article, entry, width=10_000, original=original),
            "original": clean_line(original),
            "repaired": [{"published": p, "brand": b} for p, b in repaired],
            "links": [
                {"number": lk.number, "text": clean_line(lk.text), "href": clean_line(lk.href)}
                for lk in article.links
            ],
        }
        print(json.dumps(record, ensure_ascii=False))
        return EXIT_OK
    width = args.width or config.reader.measure
    sys.stdout.write(
        article_text(article, entry, width=width, original=original, repaired=repaired)
    )
    return EXIT_OK


def _summary_blocks(summary: str) -> tuple[Any, ...]:
    from tui_reader.models import Block

    return tuple(Block("paragraph", p) for p in summary.split("\n") if p.strip())


def cmd_status(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.services import effective_feeds

    with _open_store(config) as store:
        feeds = effective_feeds(config, store)
        read = store.read_ids()
        out: list[dict[str, Any]] = []
        for feed in feeds:
            state = store.feed_state(feed.url)
            rows = store.rows(feed.url)
            out.append(
                {
                    "feed": feed.url,
                    "title": _feed_title(feed, state),
                    "last_fetch": state.last_fetch.isoformat()
                    if state and state.last_fetch
                    else None,
                    "result": state.status if state else "never",
                    "error": clean_line(state.error) if state else "",
                    "entries": len(rows),
                    "unread": sum(1 for r in rows if r.id not in read),
                }
            )
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for item in out:
        when = str(item["last_fetch"] or "never")[:16].replace("T", " ")
        error = f"  ({item['error']})" if item["error"] else ""
        print(
            f"{item['unread']:>5} unread {item['entries']:>5} held  {when:<16}  "
            f"{item['result']:<12}  {item['title']}{error}"
        )
    return EXIT_OK


# -- extraction and repair ----------------------------------------------------------------------


def cmd_reextract(config: Config, args: argparse.Namespace) -> int:
    from tui_reader import pipeline
    from tui_reader.services import effective_feeds

    with _open_store(config) as store:
        feeds = _select_feeds(effective_feeds(config, store), [args.feed] if args.feed else None)
        try:
            with store.fetch_lock():
                count = pipeline.reextract(config, store, feeds=feeds)
        except StoreLocked as exc:
            _err(f"{exc}; try again when it is done")
            return EXIT_LOCKED
    print(f"re-extracted {count} articles")
    return EXIT_OK


def cmd_doctor(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.store import repair_files

    for line in repair_files(config.storage.data_dir, config.storage.cache_dir):
        print(f"repaired: {clean_line(line)}")
    with _open_store(config) as store:
        problems = store.check()
        for problem in problems:
            print(f"found: {clean_line(problem)}")
        count = store.rebuild_indexes()
        indexed = store.rebuild_search_index()
        print(f"search index rebuilt: {indexed} articles")
    print(
        f"store at {config.storage.data_dir}: {len(problems)} problems found; indexes rebuilt from {count} entries"
    )
    return EXIT_OK


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.opml import merge_subscriptions, parse_opml

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise UserError(f"{args.file}: {exc.strerror or exc}") from None
    try:
        if args.newsboat:
            from tui_reader.newsboat import parse_urls

            result = parse_urls(data.decode("utf-8", errors="replace"), str(args.file))
        else:
            result = parse_opml(data, str(args.file))
        pending = None
        if args.cache_db is not None:
            from tui_reader.newsboat import pending_state

            pending = pending_state(args.cache_db)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    for skipped in result.skipped:
        print(f"skipped: {clean_line(str(skipped))}")
    with _open_store(config) as store:
        from tui_reader.services import (
            PENDING_STATE,
            apply_pending_state,
            effective_feeds,
            seeded_defaults,
        )

        configured = {f.url for f in config.feeds}
        incoming = [f for f in result.feeds if f["url"] not in configured]
        if args.dry_run:
            for feed in incoming:
                print(f"would import: {clean_line(feed['url'])}")
            return EXIT_OK
        effective_feeds(config, store)  # seed the defaults first, so they are not seeded later
        defaults = seeded_defaults(store)
        for feed in incoming:
            if feed["url"] in defaults:  # imported: the user's own, not only a default
                store.adopt_seeded(feed["url"], defaults)
        merged, new = merge_subscriptions(store.subscriptions(), incoming)
        store.set_subscriptions(merged)
        print(
            f"imported {new} new feeds, {len(incoming) - new} already subscribed, {len(result.skipped)} skipped"
        )
        if pending is not None:
            waiting = dict(store.user_value(PENDING_STATE) or {})
            waiting.update({url: list(flags) for url, flags in pending.items()})
            store.set_user_value(PENDING_STATE, waiting)
            applied = apply_pending_state(store)
            left = len(store.user_value(PENDING_STATE) or {})
            print(
                f"newsboat state: {applied} entries updated now, {left} waiting for the next fetch"
            )
    return EXIT_OK


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.opml import export_opml
    from tui_reader.services import effective_feeds

    with _open_store(config) as store:
        text = export_opml(effective_feeds(config, store), opml2=args.opml2)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_search(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.search import SearchIndexError
    from tui_reader.services import effective_feeds

    query = " ".join(args.query)
    with _open_store(config) as store:
        feed = (
            _select_feeds(effective_feeds(config, store), [args.feed])[0].url if args.feed else None
        )
        try:
            hits = store.search_index().search(query, limit=args.limit, feed=feed)
        except SearchIndexError as exc:
            raise StoreError(str(exc)) from None
        hits = [h for h in hits if store.has_entry(h.entry_id)]
        read = store.read_ids()
    for hit in hits:
        if args.json:
            record = {"id": hit.entry_id, "title": clean_line(hit.title), "snippet": clean_line(hit.snippet),
                      "score": round(hit.score, 4), "read": hit.entry_id in read}  # fmt: skip
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"{hit.entry_id}  {clean_line(hit.title)}\n    {clean_line(hit.snippet)}")
    return EXIT_OK


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from tui_reader import demo

    if args.no_ui:
        return demo.run_demo(config, ui=False)
    return demo.run_demo(config)


def cmd_reader(config: Config) -> int:
    from tui_reader.ui import run_reader

    return run_reader(config)


COMMANDS = {
    "fetch": cmd_fetch,
    "feeds": cmd_feeds,
    "list": cmd_list,
    "show": cmd_show,
    "status": cmd_status,
    "reextract": cmd_reextract,
    "doctor": cmd_doctor,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "search": cmd_search,
    "sync": cmd_sync,
}


def _damaged(config: Config) -> str:
    from tui_reader.store import damaged_files

    data_dir, cache_dir = config.storage.data_dir, config.storage.cache_dir
    try:
        found = damaged_files(data_dir, cache_dir)
    except Exception:  # only naming the file; the message is given in any case
        found = []
    return ", ".join(str(p) for p in found) or str(data_dir / "store")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config: Config | None = None
    try:
        config = load_config(Path(args.config) if args.config else None)
        if args.command == "extract":
            from tui_reader.extract.command import run_extract

            _setup_logging(None, args.verbose)
            return run_extract(
                args.sources,
                fmt=args.format,
                url=args.url,
                explain=args.explain,
                user_rules=config.extract,
            )
        _setup_logging(config, args.verbose)
        if args.command is None:
            return cmd_reader(config)
        return COMMANDS[args.command](config, args)
    except ConfigError as exc:
        _err(f"config error: {exc}")
        return EXIT_USAGE
    except UserError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except StoreError as exc:
        _err(f"store error: {exc}")
        return EXIT_SOME_FAILED
    except sqlite3.DatabaseError as exc:  # a damaged page met while reading
        where = _damaged(config) if config is not None else "the store"
        _err(f"store error: {where}: {exc}; run `tui-reader doctor` to check and repair it")
        return EXIT_SOME_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
