"""The reader screen's keys. Every binding has an id: `[reader.keys]` remaps by id, the help
screen lists by id, and tui_reader/keys.py (headless) keeps the same table for the CLI."""

from __future__ import annotations

from textual.binding import Binding, BindingType

READER_BINDINGS: list[BindingType] = [
    Binding("q", "go_back(True)", "Back/quit", id="back"),
    Binding("escape", "go_back(False)", "Back", show=False, id="back_escape"),
    Binding("tab", "next_pane", "Pane", show=False, priority=True, id="next_pane"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("l", "link_prompt", "Link n", show=False, id="open_link"),
    *[
        Binding(
            str(d),
            f"link_digit({d})",
            "Link" if d == 1 else f"Link {d}",
            show=d == 1,
            key_display="1-9" if d == 1 else None,
            id=f"open_link_{d}",
        )
        for d in range(1, 10)
    ],
    Binding("n", "next_unread", "Next unread", show=False, id="next_unread"),
    Binding("p", "previous_unread", "Prev unread", show=False, id="previous_unread"),
    Binding("m", "toggle_read", "Read", show=False, id="toggle_read"),
    Binding("s", "toggle_star", "Star", id="toggle_star"),
    Binding("o", "open_in_browser", "Browser", id="open_in_browser"),
    Binding("y", "copy_url", "Copy URL", show=False, id="copy_url"),
    Binding("O", "open_original", "Open original", show=False, id="open_original"),
    Binding("Y", "copy_original", "Copy original", show=False, id="copy_original"),
    Binding("slash", "search", "Search", id="search"),
    Binding("u", "toggle_unread_only", "Unread only", show=False, id="unread_only"),
    Binding("L", "cycle_language", "Language filter", show=False, id="language"),
    Binding("r", "refresh(False)", "Refresh", id="refresh"),
    Binding("R", "refresh(True)", "Refresh all", show=False, id="refresh_all"),
]

# The actions the article must be on screen for (its link numbers, the original it credits).
ARTICLE_ACTIONS = frozenset({"link_digit", "link_prompt", "open_original", "copy_original"})
