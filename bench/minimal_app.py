"""The baseline for reader start-up: the smallest Textual app that paints rows like the reader's.

    python bench/minimal_app.py [ROWS]

Shows ROWS lines `e000000 · ...` in a Static, as the reader's entry list shows its first rows.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static


class MinimalApp(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static(
            "\n".join(
                f"e{i:06d} · Fila de prueba de la aplicación mínima" for i in range(self.rows)
            )
        )


if __name__ == "__main__":
    MinimalApp(int(sys.argv[1]) if len(sys.argv) > 1 else 60).run()
