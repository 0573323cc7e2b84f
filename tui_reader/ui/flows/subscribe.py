"""Adding a feed from the reader: ask for a URL, discover its feeds in a worker, pick one,
save the subscription, then ask the screen to show and fetch it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work

from tui_reader.config import FeedConfig
from tui_reader.sanitize import clean_line
from tui_reader.subscriptions import subscribe
from tui_reader.ui.flows.base import Flow
from tui_reader.ui.listing import feed_label
from tui_reader.ui.messages import (
    FeedRequested,
    FeedsDiscovered,
    FeedSubscribed,
    LoadRequested,
    RefreshRequested,
)

if TYPE_CHECKING:
    from tui_reader.discover import FeedCandidate


class SubscribeFlow(Flow):
    """The palette's "Add feed…": AddFeedScreen, then PickFeedScreen if a site offers several."""

    def ask(self) -> None:
        from tui_reader.ui.screens.add_feed import AddFeedScreen

        self.app.push_screen(AddFeedScreen(), callback=self._url_given)

    def _url_given(self, url: str | None) -> None:
        if url:
            self.say(f"Looking for feeds at {url}…")
            self.discover(url)

    @work(thread=True, exclusive=True, group="discover")
    def discover(self, url: str) -> None:
        from tui_reader.discover import DiscoveryError, discover_feeds

        try:
            candidates = discover_feeds(url, self.config.fetch)
        except DiscoveryError as exc:
            self.post_message(FeedsDiscovered(url, [], str(exc)))
            return
        except Exception as exc:
            self.post_message(FeedsDiscovered(url, [], f"discovery failed: {exc}"))
            return
        self.post_message(FeedsDiscovered(url, candidates))

    @on(FeedsDiscovered)
    def discovered(self, message: FeedsDiscovered) -> None:
        if message.error or not message.candidates:
            self.say(message.error or f"No feed found at {message.url}")
            return
        if len(message.candidates) == 1:
            self.subscribe(message.candidates[0])
            return
        from tui_reader.ui.screens.add_feed import PickFeedScreen

        self.say(f"{len(message.candidates)} feeds found: pick one.")
        self.app.push_screen(
            PickFeedScreen(message.url, message.candidates), callback=self.subscribe
        )

    def subscribe(self, candidate: FeedCandidate | None) -> None:
        if candidate is None:
            self.say("No feed added.")
            return
        if any(f.url == candidate.url for f in self.state.feeds):
            self.say(f"Already subscribed to {clean_line(candidate.title or candidate.url)}.")
            self.post_message(FeedRequested(candidate.url))
            return
        self.save(FeedConfig(url=candidate.url, title=candidate.title))

    @work(thread=True, group="subscribe")
    def save(self, feed: FeedConfig) -> None:
        try:
            subscribe(self.store, feed)
        except Exception as exc:
            self.post_message(FeedSubscribed(feed, str(exc)))
            return
        self.post_message(FeedSubscribed(feed))

    @on(FeedSubscribed)
    def subscribed(self, message: FeedSubscribed) -> None:
        name = feed_label(message.feed, None)
        if message.error:
            self.say(f"Could not add {name}: {message.error}")
            return
        self.post_message(LoadRequested(show_feed=message.feed.url))
        if self.state.refreshing:
            self.say(f"Added {name}; fetch it with r once this refresh ends.")
            return
        self.post_message(RefreshRequested([message.feed], f"Added {name}; fetching it…"))
