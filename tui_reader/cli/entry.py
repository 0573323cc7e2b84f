"""Running a command: logging set up, the command called, every failure turned into one line
and an exit code (`parser`). A bare `tui-reader` opens the reader."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from tui_reader.cli.common import err
from tui_reader.cli.entries import cmd_list, cmd_search, cmd_show, cmd_status
from tui_reader.cli.feeds import cmd_feeds
from tui_reader.cli.fetching import cmd_fetch, cmd_reextract, cmd_sync
from tui_reader.cli.maintenance import cmd_doctor, cmd_export, cmd_import
from tui_reader.cli.marks import cmd_mark, cmd_unread
from tui_reader.cli.parser import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    NotFound,
    UserError,
    build_parser,
)
from tui_reader.cli.setup import cmd_completion, cmd_config
from tui_reader.config import Config, ConfigError, load_config
from tui_reader.store import StoreError


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from tui_reader import demo

    if args.no_ui:
        return demo.run_demo(config, ui=False)
    return demo.run_demo(config)


def cmd_reader(config: Config) -> int:
    from tui_reader.ui import run_reader

    return run_reader(config)


COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {
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
    "unread": cmd_unread,
    "mark": cmd_mark,
    "config": cmd_config,
    "completion": cmd_completion,
}


def setup_logging(config: Config | None, verbosity: int) -> None:
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
            from tui_reader.cli.extract_pages import run_extract

            setup_logging(None, args.verbose)
            return run_extract(
                args.sources,
                fmt=args.format,
                url=args.url,
                explain=args.explain,
                user_rules=config.extract,
            )
        setup_logging(config, args.verbose)
        if args.command is None:
            return cmd_reader(config)
        return COMMANDS[args.command](config, args)
    except ConfigError as exc:
        err(f"config error: {exc}")
        return EXIT_USAGE
    except UserError as exc:
        err(str(exc))
        return EXIT_USAGE
    except NotFound as exc:
        err(str(exc))
        return EXIT_SOME_FAILED
    except StoreError as exc:
        err(f"store error: {exc}")
        return EXIT_SOME_FAILED
    except sqlite3.DatabaseError as exc:  # a damaged page met while reading
        where = _damaged(config) if config is not None else "the store"
        err(f"store error: {where}: {exc}; run `tui-reader doctor` to check and repair it")
        return EXIT_SOME_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
