"""The "Add feed…" dialogs: ask for a URL, then pick one of the feeds discovery found."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.sanitize import clean_line

if TYPE_CHECKING:
    from tui_reader.discover import FeedCandidate

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 80%;
    border: round $primary;
    background: $surface;
    padding: 0 1;
}}
{name} .dialog--title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} .dialog--hint {{
    color: $text-muted;
    margin-top: 1;
}}
"""


class AddFeedScreen(ModalScreen[str | None]):
    """A URL (a feed, or a site's page that advertises feeds); dismissed with it, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_dialog"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="AddFeedScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Add feed", classes="dialog--title")
            yield Input(placeholder="https://example.com/ or its feed URL", id="add-feed-url")
            yield Static("enter: look for feeds there · escape: cancel", classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        url = event.value.strip()
        if url and "://" not in url:
            url = "https://" + url
        self.dismiss(url or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def candidate_prompt(candidate: FeedCandidate) -> Text:
    """One option: the feed's title, its entry count and its URL, as plain text."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(clean_line(candidate.title) or "(untitled feed)", style="bold")
    text.append(f"  {candidate.entries} entries", style="dim")
    text.append("\n" + clean_line(candidate.url), style="dim")
    return text


class PickFeedScreen(ModalScreen["FeedCandidate | None"]):
    """Several feeds were found: the user picks one (enter) or none (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_dialog"),
    ]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="PickFeedScreen")
        + """
    PickFeedScreen OptionList {
        height: auto;
        max-height: 16;
        border: none;
    }
    """
    )

    def __init__(self, site: str, candidates: list[FeedCandidate]) -> None:
        super().__init__()
        self.site = site
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(f"{len(self.candidates)} feeds at {clean_line(self.site)}"),
                classes="dialog--title",
            )
            yield OptionList(
                *[Option(candidate_prompt(c), id=str(i)) for i, c in enumerate(self.candidates)],
                id="feed-choices",
            )
            yield Static("enter: subscribe · escape: cancel", classes="dialog--hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.candidates[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
