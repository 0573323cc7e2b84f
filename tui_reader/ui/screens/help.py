"""The `?` screen: every key, built from the live bindings after the user's keymap."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Static

from tui_reader.ui.screens.info import SCROLL_BINDINGS, ScrollingModal


def binding_rows(
    nodes: list[tuple[str, DOMNode]], keymap: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(where, keys, description) for every binding with an id, keymap applied."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for where, node in nodes:
        bindings = node._bindings.copy()
        if keymap:
            bindings.apply_keymap(keymap)
        by_id: dict[str, tuple[Binding, list[str]]] = {}
        for key, key_bindings in bindings.key_to_bindings.items():
            for binding in key_bindings:
                if binding.id is None or binding.system:
                    continue
                entry = by_id.setdefault(binding.id, (binding, []))
                # the real keys, not the footer's short form ("j/k")
                display = node.app.get_key_display(Binding(key, binding.action))
                if display not in entry[1]:
                    entry[1].append(display)
        digits = [bid for bid in by_id if bid.startswith("open_link_")]
        digit_row = None
        if len(digits) > 1:  # the nine "open link n" bindings read better as one row
            keys_1_9 = " ".join(k for bid in digits for k in by_id.pop(bid)[1])
            digit_row = (where, keys_1_9, "Open link n (open_link_1 … open_link_9)")
        for binding_id, (binding, keys) in by_id.items():
            if (where, binding_id) in seen:
                continue
            seen.add((where, binding_id))
            rows.append(
                (where, " ".join(keys), f"{binding.description or binding.action}  ({binding_id})")
            )
        if digit_row is not None:
            rows.append(digit_row)
    return rows


class HelpScreen(ScrollingModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        *SCROLL_BINDINGS,
        Binding("escape,q,question_mark", "dismiss", "Close", id="close_help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 90; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, reader: DOMNode) -> None:
        super().__init__()
        self.reader = reader  # the screen whose keys are listed: its own, its panes'

    def compose(self) -> ComposeResult:
        app, reader = self.app, self.reader
        nodes: list[tuple[str, DOMNode]] = [("everywhere", reader)]
        for where, selector in (("article", "#article"), ("lists", "#entries")):
            nodes.append((where, reader.query_one(selector)))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column(style="bold cyan")
        table.add_column()
        self.rows = binding_rows(nodes, dict(app._keymap))
        for where, keys, description in self.rows:
            table.add_row(Text(where), Text(keys), Text(description))
        table.add_row(Text("everywhere"), Text("ctrl+p"), Text("command palette"))
        with VerticalScroll():
            yield Static(
                Text('Keys (remap with [reader.keys] binding_id = "key,key")', style="bold")
            )
            yield Static(table)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
