"""update(): the one fetch orchestration (feeds, pages, extraction, store) for the CLI and reader.

The public face of the run (`run.py` and its rooms, docs/architecture.md); `reextract` is the
offline re-extraction of stored pages.
"""

from __future__ import annotations

from tui_reader.pipeline.reextract import reextract
from tui_reader.pipeline.run import run_update, update

__all__ = ["reextract", "run_update", "update"]
