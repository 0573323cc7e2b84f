"""Pilot tests: "Add feed…" from the palette, discovering feeds on a real local HTTP server."""

from __future__ import annotations

from feedserver import FeedServer, Route
from helpers import WIDE, run_command, settle, status, until
from textual.pilot import Pilot
from textual.widgets import OptionList

from tui_reader.config import Config
from tui_reader.store import Store
from tui_reader.ui.app import make_app
from tui_reader.ui.screens.add_feed import AddFeedScreen, PickFeedScreen


def serve_site(server: FeedServer) -> None:
    """A home page advertising an RSS and an Atom feed, and both feeds."""
    server.add(
        "/",
        Route(body=server.render("web_page.html"), content_type="text/html; charset=utf-8"),
    )
    server.feed("/feed/", "wordpress_es.rss")
    server.feed("/atom.xml", "atom_es.xml", content_type="application/atom+xml")


async def open_add_feed(pilot: Pilot[int]) -> None:
    await run_command(pilot, "Add feed")
    await until(pilot, lambda: isinstance(pilot.app.screen, AddFeedScreen))


async def test_add_feed_picks_one_of_the_feeds_a_site_offers_and_fetches_it(
    config: Config, store: Store, feedserver: FeedServer
) -> None:
    serve_site(feedserver)
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await open_add_feed(pilot)
        await pilot.press(*feedserver.url("/"), "enter")
        await until(pilot, lambda: isinstance(app.screen, PickFeedScreen))
        choices = app.screen.query_one(OptionList)
        assert choices.option_count == 2
        await pilot.press("down", "enter")  # the Atom feed
        atom = feedserver.url("/atom.xml")
        await until(
            pilot,
            lambda: not app.reader.state.refreshing and app.reader.state.rows_by_feed.get(atom),
        )
        [added] = store.subscriptions()
        assert (added["url"], added["title"]) == (atom, "Diario del Código")
        assert app.reader.state.feed_key == atom  # the new feed is shown
        labels = [item.label for item in app.reader.feed_list.items]
        assert "Diario del Código" in labels
        assert app.reader.entry_list.rows[0][2].startswith("Rust & Python")
        assert "feeds ok" in status(app)


async def test_a_feed_url_is_added_without_a_choice(
    config: Config, store: Store, feedserver: FeedServer
) -> None:
    serve_site(feedserver)
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.action_add_feed()
        await pilot.pause()
        await pilot.press(*feedserver.url("/feed/"), "enter")
        feed = feedserver.url("/feed/")
        await until(
            pilot,
            lambda: not app.reader.state.refreshing and app.reader.state.rows_by_feed.get(feed),
        )
        assert [s["url"] for s in store.subscriptions()] == [feed]
        # adding it again says so, and adds nothing
        app.reader.action_add_feed()
        await pilot.pause()
        await pilot.press(*feed, "enter")
        await until(pilot, lambda: "Already subscribed" in status(app))
        assert len(store.subscriptions()) == 1


async def test_no_feed_found_is_one_line_on_the_status(
    config: Config, store: Store, feedserver: FeedServer
) -> None:
    feedserver.add("/", Route(body=b"<html><body>hola</body></html>", content_type="text/html"))
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.action_add_feed()
        await pilot.pause()
        await pilot.press(*feedserver.url("/"), "enter")
        await until(pilot, lambda: "no feed found" in status(app))
        assert "\n" not in status(app)
        assert store.subscriptions() == []
        assert not isinstance(app.screen, AddFeedScreen | PickFeedScreen)


async def test_escape_cancels_the_dialogs(
    config: Config, store: Store, feedserver: FeedServer
) -> None:
    serve_site(feedserver)
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.reader.action_add_feed()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AddFeedScreen)
        app.reader.action_add_feed()
        await pilot.pause()
        await pilot.press(*feedserver.url("/"), "enter")
        await until(pilot, lambda: isinstance(app.screen, PickFeedScreen))
        pane = app.reader.state.pane
        await pilot.press("q", "tab", "s")  # the reader's keys do nothing under a dialog
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PickFeedScreen)
        assert app.reader.state.pane == pane and not app.reader.state.starred
        await pilot.press("escape")
        await settle(pilot)
        assert "No feed added" in status(app)
        assert store.subscriptions() == []
