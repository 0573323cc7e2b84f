"""The command line: a bare `tui-reader` opens the reader; subcommands are headless.

The headless commands never import Textual, and only the commands that extract import
trafilatura. Its rooms:

- `parser`   the grammar (argparse) and the exit codes: 0 ok, 1 some feeds (or sources)
             failed, 2 usage or config error, 75 another fetch holds the lock.
- `entry`    `main`: logging, the command table, every failure as one line and an exit code.
- `common`   the one-line error, the store opened and closed, feeds chosen by name.
- `output`   every record the commands print, as JSON or as a line of text.
- `fetching` fetch, sync, reextract.   `feeds` feeds list/add/remove.
- `entries`  list, show, status, search.   `maintenance` doctor, import, export.
- `extract_pages`  `extract`: pages or files to articles.
"""

from __future__ import annotations

from tui_reader.cli.entry import main

__all__ = ["main"]
