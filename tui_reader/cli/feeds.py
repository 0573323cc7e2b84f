"""`feeds list`, `feeds add` (with discovery) and `feeds remove`."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.common import feed_title, open_store, origin, say
from tui_reader.cli.output import iso, print_json_lines
from tui_reader.cli.parser import EXIT_OK, NotFound, UserError
from tui_reader.config import Config, FeedConfig
from tui_reader.sanitize import clean_line, is_safe_url


def cmd_feeds(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.services import (
        effective_feeds,
        feed_titles,
        feed_to_dict,
        find_feeds,
        seeded_defaults,
    )
    from tui_reader.subscriptions import subscribe, unsubscribe

    with open_store(config) as store:
        feeds = effective_feeds(config, store)
        if args.feeds_command == "list":
            states = store.feed_states(f.url for f in feeds)
            if args.json:
                print_json_lines(
                    feed_to_dict(feed)
                    | {
                        "title": feed_title(feed, states.get(feed.url)),
                        "from": origin(config, feed),
                        "last_fetch": iso(states[feed.url].last_fetch)
                        if feed.url in states
                        else None,
                    }
                    for feed in feeds
                )
            else:
                for feed in feeds:
                    tags = f"  [{clean_line(', '.join(feed.tags))}]" if feed.tags else ""
                    print(f"{clean_line(feed.url)}  {feed_title(feed, states.get(feed.url))}{tags}")
            return EXIT_OK
        if args.feeds_command == "add":
            url = choose_feed(config, args.url)
            subs = store.subscriptions()
            if any(s["url"] == url for s in subs):  # a default, now the user's own choice
                store.adopt_seeded(url, seeded_defaults(store))
            if any(f.url == url for f in feeds):
                say(args, f"already subscribed: {clean_line(url)}")
                return EXIT_OK
            subscribe(store, FeedConfig(url=url, title=args.title, tags=tuple(args.tags)))
            say(args, f"subscribed: {clean_line(url)}")
            return EXIT_OK
        # remove
        found = find_feeds(feeds, args.name_or_url, feed_titles(store, feeds))
        if not found:
            raise UserError(f"no subscribed feed matches {args.name_or_url!r}")
        in_config = [f for f in found if f in config.feeds]
        if in_config:
            raise UserError(f"{in_config[0].url} is listed in {config.source}; remove it there")
        for url in unsubscribe(store, {f.url for f in found}):
            say(args, f"unsubscribed: {clean_line(url)}")
        return EXIT_OK


def choose_feed(config: Config, url: str) -> str:
    """The feed to subscribe to for `url`: itself, the only feed its page offers, or the user's pick."""
    from tui_reader.discover import DiscoveryError, discover_feeds

    if not is_safe_url(url):
        raise UserError(f"{url!r} is not an http(s) URL")
    try:
        found = discover_feeds(url, config.fetch)
    except DiscoveryError as exc:
        # Not a usage error: the address was right to try, the network or the site said no.
        raise NotFound(str(exc)) from None
    if len(found) == 1:
        return found[0].url
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        listing = ", ".join(c.url for c in found)
        raise UserError(f"{url} offers {len(found)} feeds; add one of them: {listing}")
    for number, candidate in enumerate(found, 1):
        print(
            f"{number}. {candidate.title or '(untitled)'}  {candidate.url}  ({candidate.entries} entries)"
        )
    while True:
        answer = input(f"Which feed? [1-{len(found)}, empty to cancel] ").strip()
        if not answer:
            raise UserError("nothing added")
        if answer.isdigit() and 1 <= int(answer) <= len(found):
            return found[int(answer) - 1].url
