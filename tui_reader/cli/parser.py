"""The command line's grammar and its exit codes.

Exit codes: 0 all went well, 1 some feeds (or sources) failed or the store could not be used,
2 usage or config error, 75 another fetch holds the lock, 130 interrupted.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tui_reader import __version__

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75
EXIT_INTERRUPTED = 130


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
