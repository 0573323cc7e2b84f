"""Feed discovery says what went wrong: an unreachable host, or a page that offers no feed."""

from __future__ import annotations

import logging

import pytest
from feedserver import FeedServer, Route

from tui_reader.config import FetchConfig
from tui_reader.discover import DiscoveryError, discover_feeds

CONFIG = FetchConfig(
    connect_timeout=2, read_timeout=2, total_timeout=5, retries=1, retry_backoff=0.01
)


def test_an_unreachable_host_is_said_so_not_no_feed_found(
    feedserver: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = feedserver.url("/feedburner.xml")
    feedserver.stop()
    logger = logging.getLogger("tui_reader.discover")
    logger.addHandler(caplog.handler)  # the CLI's logging setup may stop propagation
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(DiscoveryError) as caught:
            discover_feeds(url, CONFIG)
    finally:
        logger.removeHandler(caplog.handler)
    message = str(caught.value)
    assert message == (
        "could not connect to 127.0.0.1: connection refused (after 2 attempts); nothing added"
    )
    assert "connection refused" in caplog.text, "the log says it too"


def test_a_page_without_feeds_names_why_the_address_was_no_feed(feedserver: FeedServer) -> None:
    feedserver.add("/missing", Route(status=404, body=b"gone", content_type="text/plain"))
    with pytest.raises(DiscoveryError) as caught:
        discover_feeds(feedserver.url("/missing"), CONFIG)
    assert str(caught.value) == (
        f"no feed found at {feedserver.url('/missing')} (HTTP 404 not found) "
        "nor at the usual feed paths"
    )
