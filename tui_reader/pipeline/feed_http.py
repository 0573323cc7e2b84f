"""A feed's HTTP state machine as pure functions: whether it is due, and what an answer means.

Of (the feed, what the store knows of it, the answer, now) only: no network, no store, so each
transition is tested alone. The run does the IO and writes the states these return.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tui_reader.config import FeedConfig
from tui_reader.feeds.fetch import FetchResult, status_error
from tui_reader.models import FeedResult, FeedState

# A 429 without Retry-After: leave the feed alone this long.
DEFAULT_RATE_LIMIT_WAIT = timedelta(hours=1)


def not_due(feed: FeedConfig, state: FeedState, now: datetime, force: bool) -> FeedResult | None:
    """Why the feed is not fetched now (gone, its interval, the server's wait), else None."""
    if state.status == "gone":
        return FeedResult(feed.url, "skipped", error=state.error)
    if (
        not force
        and feed.interval_minutes
        and state.last_fetch is not None
        and now - state.last_fetch < timedelta(minutes=feed.interval_minutes)
    ):
        return FeedResult(feed.url, "skipped")  # not due yet: its own fetch interval
    if state.retry_after is not None and state.retry_after > now:
        return FeedResult(
            feed.url,
            "skipped",
            error=f"the server asked to wait until {state.retry_after:%Y-%m-%d %H:%M} UTC",
        )
    return None


def answered(
    feed: FeedConfig, state: FeedState, url: str, res: FetchResult, now: datetime
) -> tuple[FeedState, FeedResult | None]:
    """The feed's state after the answer `res` to a GET of `url`, and the run's result for it;
    no result (None) for a 200, whose body is then parsed and stored."""
    if res.status in (200, 304):
        state = replace(state, url=res.permanent_url or url)
    if res.not_modified:
        state = replace(state, status="not_modified", error="", last_ok=now, retry_after=None)
        return state, FeedResult(feed.url, "not_modified", status_code=304)
    if res.status == 410:
        error = "the server says this feed is gone for good (HTTP 410); unsubscribe from it"
        return replace(state, status="gone", error=error), FeedResult(
            feed.url, "gone", error=error, status_code=410
        )
    if res.status == 429 or (res.status == 503 and res.retry_after is not None):
        until = res.retry_after or now + DEFAULT_RATE_LIMIT_WAIT
        error = f"{status_error(res.status)}; next try after {until:%Y-%m-%d %H:%M} UTC"
        return replace(state, status="error", error=error, retry_after=until), FeedResult(
            feed.url, "skipped", error=error, status_code=res.status
        )
    if res.status != 200:
        error = status_error(res.status)
        return replace(state, status="error", error=error), FeedResult(
            feed.url, "failed", error=error, status_code=res.status
        )
    return state, None
