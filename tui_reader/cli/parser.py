"""The command line's grammar and its exit codes.

Exit codes: 0 all went well, 1 some feeds (or sources) failed, the store could not be used or
what was named is not there, 2 usage or config error, 75 another fetch holds the lock, 130
interrupted.
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


class NotFound(Exception):
    """What the user named (an entry id) is not there: one line, exit status 1, as `grep`."""


EPILOG = """output: with --json every command prints JSON Lines, one object per line (an entry, a feed, a
search hit, a fetch result; `fetch --json` ends with a {"summary": ...} line), dates in ISO 8601
UTC ("2026-11-01T09:30:00Z"). Entry ids may be shortened to any unique prefix.

exit codes: 0 ok; 1 some feeds failed, the store could not be used, the entry named is not
there, or `feeds add` found no feed (or could not reach it); 2 usage or config error; 75
another fetch holds the lock (try later).
"""

JSON_HELP = "print JSON Lines (one object per line, ISO 8601 UTC dates)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader",
        description="A terminal reader for translated tech news. With no command, opens the reader.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: XDG config dir)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing but errors and asked-for output"
    )
    # The same options after the subcommand; SUPPRESS keeps them from resetting the ones before.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    common.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="log to stderr"
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print nothing but errors and asked-for output",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_parser = sub.add_parser

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return add_parser(name, parents=[common], epilog=EPILOG,
                          formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)  # fmt: skip

    feed_help = "only this feed: its URL, its title (yours or its own), or a tag"
    fetch = command("fetch", help="fetch every feed (for cron), extract, store")
    fetch.add_argument(
        "--feed", action="append", metavar="NAME_OR_URL", help=feed_help + "; repeatable"
    )
    fetch.add_argument("--no-fulltext", action="store_true", help="feeds only, fetch no page")
    fetch.add_argument("--json", action="store_true", help=JSON_HELP + ": per feed, then a summary")

    sync = command("sync", help="sync subscriptions, entries, read and starred with [sync]")
    sync.add_argument("--no-fulltext", action="store_true", help="fetch no page")
    sync.add_argument("--json", action="store_true", help=JSON_HELP)

    feeds = command("feeds", help="list, add or remove subscriptions")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    fl = feeds_sub.add_parser("list", parents=[common], help="list subscribed feeds")
    fl.add_argument("--json", action="store_true", help=JSON_HELP + ", one per feed")
    fa = feeds_sub.add_parser("add", parents=[common], help="subscribe to a feed")
    fa.add_argument("url", help="the feed's URL, or a site's page: the feeds it offers are found")
    fa.add_argument("--title", default="", help="a name of your own for it")
    fa.add_argument("--tag", action="append", default=[], dest="tags", help="a tag (repeatable)")
    fr = feeds_sub.add_parser("remove", parents=[common], help="unsubscribe from a feed")
    fr.add_argument("name_or_url", help="its URL, its title (yours or its own), or a tag")

    ls = command("list", help="list stored entries, newest first")
    ls.add_argument("--unread", action="store_true", help="only unread entries")
    ls.add_argument("--starred", action="store_true", help="only starred entries")
    ls.add_argument("--feed", metavar="NAME_OR_URL", help=feed_help)
    ls.add_argument("--language", metavar="CODE", help="only entries in this language (es, pt...)")
    ls.add_argument("--limit", type=int, default=0, help="at most this many (0: all)")
    ls.add_argument("--json", action="store_true", help=JSON_HELP + ", one per entry")

    show = command("show", help="print one article as text with its numbered links")
    show.add_argument("id", help="the entry's id (from `list`), or a unique prefix of it")
    show.add_argument("--json", action="store_true", help=JSON_HELP + ": one record")
    show.add_argument("--width", type=int, default=0, help="wrap at this many columns")
    show.add_argument(
        "--published", action="store_true", help="brand names as printed, not repaired"
    )
    show.add_argument(
        "--no-pager", action="store_true", help="never page through $PAGER, even on a terminal"
    )

    status = command("status", help="per feed: last fetch, result, unread and held entries")
    status.add_argument("--json", action="store_true", help=JSON_HELP + ", one per feed")

    unread = command("unread", help="print the number of unread entries (for status bars)")
    unread.add_argument("--feed", action="append", metavar="NAME_OR_URL", help=feed_help)
    unread.add_argument("--json", action="store_true", help=JSON_HELP + ': {"unread": N}')

    mark = command("mark", help="mark entries read, unread, starred or unstarred")
    mark.add_argument("mark", choices=("read", "unread", "starred", "unstarred"), help="the mark")
    mark.add_argument(
        "ids", nargs="*", metavar="ID", help="entry ids or unique prefixes; - reads them from stdin"
    )
    mark.add_argument(
        "--feed", action="append", metavar="NAME_OR_URL", help="every entry of " + feed_help[5:]
    )

    cfg = command("config", help="where the config, data, cache and log live; `config edit`")
    cfg_sub = cfg.add_subparsers(dest="config_command", metavar="ACTION")
    cfg_sub.add_parser("paths", parents=[common], help="print the paths (the default)")
    cfg_sub.add_parser(
        "edit", parents=[common], help="open the config file in $VISUAL or $EDITOR, then check it"
    )
    cfg.add_argument("--json", action="store_true", help=JSON_HELP + ": one record")

    comp = command("completion", help="print a shell completion script (bash, zsh, tcsh)")
    comp.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell to complete for")

    ext = command("extract", help="extract the article from pages or files")
    ext.add_argument("sources", nargs="+", metavar="SOURCE", help="a file or an http(s) URL")
    ext.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                     help="text, markdown, or JSON Lines (one record per source)")  # fmt: skip
    ext.add_argument("--url", help="the page URL, to resolve relative links of a file")
    ext.add_argument("--explain", action="store_true", help="show which rule removed which block")

    reext = command("reextract", help="apply changed rules to stored pages, offline")
    reext.add_argument("--feed", metavar="NAME_OR_URL", help=feed_help)

    command("doctor", help="check the store and rebuild its indexes")

    imp = command("import", help="subscribe to the feeds of an OPML file or a newsboat urls file")
    imp.add_argument("file", type=Path, help="the OPML file (or newsboat urls file)")
    imp.add_argument("--newsboat", action="store_true", help="FILE is a newsboat urls file")
    imp.add_argument(
        "--cache-db", type=Path, help="newsboat's cache.db: carry over read and flagged"
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported")

    exp = command("export", help="print the subscriptions as OPML")
    exp.add_argument("--opml2", action="store_true", help="OPML 2.0 with categories")
    exp.add_argument("-o", "--output", type=Path, help="write to a file instead of stdout")

    search = command("search", help="full-text search over stored articles")
    search.add_argument("query", nargs="+", help="words (accents and case ignored)")
    search.add_argument("--feed", metavar="NAME_OR_URL", help=feed_help)
    search.add_argument("--limit", type=int, default=20, help="at most this many hits")
    search.add_argument("--json", action="store_true", help=JSON_HELP + ", one per hit")

    demo = command("demo", help="open the reader on bundled sample feeds, offline")
    demo.add_argument("--no-ui", action="store_true", help="fetch the demo and print the summary")
    return parser
