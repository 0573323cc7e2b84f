"""What the last sync agreed with the server, kept as JSON in the store's user state.

It is the common ancestor of a three-way merge: a flag that differs here from what was agreed is
a change made here (waiting to be sent), one that differs on the server is a change made there.
So a change made offline needs no separate queue entry to survive a crash, and it is sent once:
after it reaches the server, both sides agree and nothing differs from the new agreement.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui_reader.models import utcnow
from tui_reader.store import Store

STATE_KEY = "sync_state"
VERSION = 1


@dataclass
class SyncState:
    #: "url user": a state agreed with another account is not used
    account: str = ""
    #: the server's cursor for "items since"
    cursor: str = ""
    #: the server's subscriptions as last agreed: url -> {"id", "title", "category"}
    feeds: dict[str, dict[str, str]] = field(default_factory=dict)
    #: subscriptions that were here before the first sync: never sent to the server
    local_only: list[str] = field(default_factory=list)
    #: server item id -> [entry id, read, starred] as last agreed
    items: dict[str, list[Any]] = field(default_factory=dict)
    last_sync: float | None = None
    last_error: str = ""

    @classmethod
    def load(cls, store: Store, account: str = "") -> SyncState:
        raw = store.user_value(STATE_KEY)
        try:
            data = json.loads(raw) if isinstance(raw, str) else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict) or data.get("version") != VERSION:
            data = {}
        data.pop("version", None)
        known = set(cls.__dataclass_fields__)
        state = cls(**{k: v for k, v in data.items() if k in known})
        if account and state.account and state.account != account:
            # Another server or user: nothing agreed with it; what is here stays here.
            return cls(account=account, last_error=state.last_error)
        state.account = account or state.account
        return state

    def save(self, store: Store) -> None:
        store.set_user_value(STATE_KEY, json.dumps({"version": VERSION, **asdict(self)}))

    def failed(self, store: Store, error: str) -> None:
        self.last_error = error
        self.save(store)

    def succeeded(self, store: Store) -> None:
        self.last_error = ""
        self.last_sync = utcnow().timestamp()
        self.save(store)


def merge_flag(agreed: bool | None, local: bool, server: bool) -> bool:
    """The three-way merge of one flag: a side that changed wins; both changed, here wins."""
    if agreed is None:  # first met: set on either side stays set
        return local or server
    if local == agreed:
        return server
    return local


def local_changes(state: SyncState, read: set[str], starred: set[str]) -> int:
    """How many item flags differ here from what was agreed: changes waiting to be sent."""
    count = 0
    for entry_id, was_read, was_starred in state.items.values():
        count += (entry_id in read) != was_read
        count += (entry_id in starred) != was_starred
    return count


def subscription_changes(state: SyncState, local_urls: Iterable[str]) -> int:
    """Subscriptions added or removed here since the last sync (not yet sent)."""
    if state.last_sync is None and not state.feeds:
        return 0
    local = set(local_urls)
    agreed = set(state.feeds)
    return len(local - set(state.local_only) - agreed) + len(agreed - local)


def pending(store: Store) -> tuple[SyncState, int]:
    """The state and the number of changes waiting for the next sync, for the reader's status."""
    state = SyncState.load(store)
    count = local_changes(state, store.read_ids(), store.starred_ids())
    count += subscription_changes(state, (s["url"] for s in store.subscriptions()))
    return state, count


def describe(state: SyncState, waiting: int, hint: str = " (r/R syncs)") -> str:
    """One status line: when the last sync was, whether it failed, what waits to be sent."""
    if state.last_sync is None:
        text = "Not synced yet"
    else:
        when = datetime.fromtimestamp(state.last_sync, UTC)
        text = f"Last sync {when:%Y-%m-%d %H:%M} UTC"
    if state.last_error:
        text += f"; the last try failed: {state.last_error}"
    if waiting:
        text += f"; {waiting} change{'s' if waiting != 1 else ''} waiting for the next sync"
    return text + hint
