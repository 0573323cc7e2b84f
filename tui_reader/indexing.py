"""The search index kept in step with retention: a broken index fails no fetch.

(The run's own indexing of the entries each feed stored is `pipeline/index.py`'s.)
"""

from __future__ import annotations

import logging
import sqlite3

from tui_reader.ports import RunStore
from tui_reader.sanitize import error_line
from tui_reader.search import SearchIndexError

LOG = logging.getLogger("tui_reader.pipeline")


def forget_in_search(store: RunStore, entry_ids: list[str]) -> None:
    """Take entries retention removed out of the search index; a broken index fails nothing."""
    if not entry_ids:
        return
    try:
        store.search_index().remove_many(entry_ids)
    except (SearchIndexError, sqlite3.Error, OSError) as exc:
        LOG.warning("search index not updated: %s", error_line(exc))
        store.close_search_index()
