"""`unread` and `mark`: for status bars and scripts (newsboat's `-x print-unread`, `nom unread`)."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.common import open_store, say, select_feeds
from tui_reader.cli.output import print_json
from tui_reader.cli.parser import EXIT_OK, NotFound, UserError
from tui_reader.config import Config


def cmd_unread(config: Config, args: argparse.Namespace) -> int:
    """The unread count, a bare number (or one JSON record), of every feed or those named."""
    from tui_reader.services import effective_feeds, unread_count

    with open_store(config) as store:
        feeds = select_feeds(effective_feeds(config, store), args.feed, store)
        count = unread_count(store, feeds)
    if args.json:
        print_json({"unread": count})
    else:
        print(count)
    return EXIT_OK


MARKS = {
    "read": ("read", True),
    "unread": ("read", False),
    "starred": ("starred", True),
    "unstarred": ("starred", False),
}


def cmd_mark(config: Config, args: argparse.Namespace) -> int:
    """Mark entries (ids or unique prefixes, `-` for ids on stdin, or a whole feed's)."""
    from tui_reader.services import AmbiguousId, effective_feeds, resolve_entry_id

    flag, value = MARKS[args.mark]
    names = list(args.ids)
    if "-" in names:
        names = [n for n in names if n != "-"] + sys.stdin.read().split()
    if not names and not args.feed:
        raise UserError("name the entries to mark: ids, `-` for ids on stdin, or --feed NAME")
    with open_store(config) as store:
        ids: list[str] = []
        for name in names:
            try:
                found = resolve_entry_id(store, name)
            except AmbiguousId as exc:
                raise UserError(str(exc)) from None
            if found is None:
                raise NotFound(f"no entry with id {name!r} (see `tui-reader list`)")
            ids.append(found)
        if args.feed:
            feeds = select_feeds(effective_feeds(config, store), args.feed, store)
            ids.extend(row.id for row in store.all_rows(f.url for f in feeds))
        ids = list(dict.fromkeys(ids))
        if flag == "read":
            store.set_read(ids, value)
        else:
            for entry_id in ids:
                store.set_starred(entry_id, value)
    say(args, f"marked {len(ids)} entries {args.mark}")
    return EXIT_OK
