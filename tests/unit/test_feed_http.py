"""The feed's HTTP state machine, transition by transition, without a network or a store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui_reader.config import FeedConfig
from tui_reader.feeds.fetch import FetchResult
from tui_reader.models import FeedState
from tui_reader.pipeline.feed_http import DEFAULT_RATE_LIMIT_WAIT, answered, not_due

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FEED = FeedConfig(url="https://a.example/feed", interval_minutes=30)
STATE = FeedState(key=FEED.url, url=FEED.url, etag='"1"', last_fetch=NOW - timedelta(hours=1))


def test_a_feed_is_due_unless_gone_waited_for_or_inside_its_interval() -> None:
    assert not_due(FEED, STATE, NOW, force=False) is None
    recent = FeedState(key=FEED.url, url=FEED.url, last_fetch=NOW - timedelta(minutes=5))
    assert not_due(FEED, recent, NOW, force=False) is not None
    assert not_due(FEED, recent, NOW, force=True) is None, "a person asked for it now"
    gone = FeedState(key=FEED.url, url=FEED.url, status="gone", error="410")
    skipped = not_due(FEED, gone, NOW, force=True)
    assert skipped is not None and skipped.outcome == "skipped" and skipped.error == "410"
    waiting = FeedState(key=FEED.url, url=FEED.url, retry_after=NOW + timedelta(minutes=1))
    result = not_due(FEED, waiting, NOW, force=True)
    assert result is not None and "wait until" in result.error


@pytest.mark.parametrize(
    ("status", "outcome", "stored"),
    [
        (304, "not_modified", "not_modified"),
        (410, "gone", "gone"),
        (429, "skipped", "error"),
        (500, "failed", "error"),
        (200, None, "never"),
    ],
)
def test_each_answer_gives_its_state_and_result(
    status: int, outcome: str | None, stored: str
) -> None:
    res = FetchResult(FEED.url, FEED.url, status, permanent_url="https://a.example/moved")
    state, result = answered(FEED, STATE, FEED.url, res, NOW)
    assert (result.outcome if result else None) == outcome
    assert state.status == stored
    if status in (200, 304):
        assert state.url == "https://a.example/moved", "a permanent redirect is followed next time"
    else:
        assert state.url == FEED.url
    if status == 429:
        assert state.retry_after == NOW + DEFAULT_RATE_LIMIT_WAIT
