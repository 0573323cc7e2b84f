"""`doctor`, `import` and `export`: the store checked and repaired, subscriptions in and out."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.common import open_store, say
from tui_reader.cli.parser import EXIT_OK, UserError
from tui_reader.config import Config
from tui_reader.sanitize import clean_line


def cmd_doctor(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.store import repair_files

    for line in repair_files(config.storage.data_dir, config.storage.cache_dir):
        print(f"repaired: {clean_line(line)}")
    with open_store(config) as store:
        problems = store.check()
        for problem in problems:
            print(f"found: {clean_line(problem)}")
        count = store.rebuild_indexes()
        indexed = store.rebuild_search_index()
        say(args, f"search index rebuilt: {indexed} articles")
    say(
        args,
        f"store at {config.storage.data_dir}: {len(problems)} problems found; indexes rebuilt from {count} entries",
    )
    return EXIT_OK


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.opml import parse_opml

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
    with open_store(config) as store:
        from tui_reader.services import (
            PENDING_STATE,
            apply_pending_state,
            effective_feeds,
            seeded_defaults,
        )
        from tui_reader.subscriptions import add_imported

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
        new = add_imported(store, incoming)
        say(
            args,
            f"imported {new} new feeds, {len(incoming) - new} already subscribed, {len(result.skipped)} skipped",
        )
        if pending is not None:
            waiting = dict(store.user_value(PENDING_STATE) or {})
            waiting.update({url: list(flags) for url, flags in pending.items()})
            store.set_user_value(PENDING_STATE, waiting)
            applied = apply_pending_state(store)
            left = len(store.user_value(PENDING_STATE) or {})
            say(
                args,
                f"newsboat state: {applied} entries updated now, {left} waiting for the next fetch",
            )
    return EXIT_OK


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.opml import export_opml
    from tui_reader.services import effective_feeds

    with open_store(config) as store:
        text = export_opml(effective_feeds(config, store), opml2=args.opml2)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
