"""The key hints on the bottom line: one widget that draws one line of text.

Textual's Footer mounts a widget per key and restyles each of them whenever the bindings change
(every focus change), which at start-up cost 80-130 ms of the event loop before the first rows
could be drawn. A keyboard-only reader needs the hints, not clickable keys, so this draws them
as one `Text` and redraws only when the shown keys change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

Hint = tuple[str, str, bool]  # key display, description, enabled


def hints_of(active: Iterable[tuple[Binding, bool]], key_display: dict[str, str]) -> list[Hint]:
    """One hint per action, in binding order, for the bindings marked to be shown (the first
    key of an action wins, as in Textual's Footer)."""
    seen: set[str] = set()
    hints: list[Hint] = []
    for binding, enabled in active:
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        hints.append((key_display[binding.key], binding.description, enabled))
    return hints


def hints_line(
    hints: list[Hint], width: int, key: Style, description: Style, disabled: Style
) -> Text:
    """` key description ` pairs side by side, as many whole pairs as fit in `width` (a pair is
    never cut in the middle); a disabled action's pair is dimmed."""
    line = Text(no_wrap=True, overflow="crop", end="")
    for display, text, enabled in hints:
        pair_key, pair_text = f" {display} ", f"{text} "
        if line.cell_len + cell_len(pair_key + pair_text) > width:
            break
        dim = Style() if enabled else disabled
        line.append(pair_key, key + dim)
        line.append(pair_text, description + dim)
    return line


class KeyBar(Widget, can_focus=False):
    """The keys of the focused widget and its screen, as Textual's Footer would list them."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--disabled",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hints: list[Hint] = []
        self.palette: Hint | None = None  # drawn at the right end, as the Footer does

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        active = [(binding, enabled) for _, binding, enabled, _ in screen.active_bindings.values()]
        display = {binding.key: self.app.get_key_display(binding) for binding, _ in active}
        hints = hints_of(active, display)
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _ = found
                palette = (self.app.get_key_display(binding), binding.description, enabled)
        if (hints, palette) != (self.hints, self.palette):  # same keys: nothing to draw
            self.hints, self.palette = hints, palette
            self.refresh()

    def render(self) -> Text:
        styles = (
            self.get_component_rich_style("key-bar--key"),
            self.get_component_rich_style("key-bar--description"),
            self.get_component_rich_style("key-bar--disabled", partial=True),
        )
        width = self.size.width
        line = hints_line(self.hints, width, *styles)
        if self.palette is not None:
            right = hints_line([self.palette], width, *styles)
            room = width - line.cell_len - right.cell_len
            if right and room >= 1:  # the palette key only where it fits beside the others
                line.append(" " * (room - 1) + "▏")
                line.append_text(right)
        return line
