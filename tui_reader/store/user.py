"""The user's own state: subscriptions, read and starred flags, the reader's position.

In diskcache directories of their own under `store/` (`user/`, `read/`, `starred/`), never
evicted or pruned, so a retention pass or `cache clear` cannot lose what a person read,
starred or subscribed to. `read/` and `starred/` hold one key per entry id: presence is the flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tui_reader.store.caches import MAIN_SETTINGS, open_cache
from tui_reader.store.codec import from_data, to_data
from tui_reader.store.errors import storage_errors as _storage_errors

_MISSING = object()


class UserState:
    """What the Store keeps for the person, as opposed to what a fetch brings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._user = open_cache(root / "user", **MAIN_SETTINGS)
        self._read = open_cache(root / "read", **MAIN_SETTINGS)
        self._starred = open_cache(root / "starred", **MAIN_SETTINGS)

    # -- subscriptions (feeds added from the CLI, OPML or newsboat) -------------------------

    def subscriptions(self) -> list[dict[str, Any]]:
        return list(self._user.get("subscriptions", []))

    def set_subscriptions(self, subs: list[dict[str, Any]]) -> None:
        with _storage_errors(self.root):
            self._user.set("subscriptions", subs)

    def is_seeded(self) -> bool:
        """Whether the default feeds were subscribed once already (a read, no transaction)."""
        return bool(self._user.get("seeded"))

    def seed_subscriptions(self, subs: list[dict[str, Any]]) -> bool:
        """Subscribe a new store to the default feeds, once: never again after a removal."""
        with self._user.transact():
            if self._user.get("seeded"):
                return False
            existing = {s["url"] for s in self._user.get("subscriptions", [])}
            merged = list(self._user.get("subscriptions", [])) + [
                s for s in subs if s["url"] not in existing
            ]
            self._user.set("subscriptions", merged)
            self._user.set("seeded", True)
            self._user.set("seeded_urls", [s["url"] for s in subs if s["url"] not in existing])
        return True

    def seeded_urls(self) -> set[str] | None:
        """The subscriptions that came from the default list and are still only that (None for
        a store seeded before the list was kept)."""
        urls = self._user.get("seeded_urls")
        return None if urls is None else set(urls)

    def adopt_seeded(self, url: str, default_urls: Iterable[str] = ()) -> None:
        """The user subscribed to `url` themselves: it is no longer a default to hide."""
        with _storage_errors(self.root), self._user.transact():
            urls = self._user.get("seeded_urls")
            if urls is None:
                urls = list(default_urls)
            self._user.set("seeded_urls", [u for u in urls if u != url])

    # -- user state -------------------------------------------------------------------------

    def read_ids(self) -> set[str]:
        return set(self._read.iterkeys())

    def starred_ids(self) -> set[str]:
        return set(self._starred.iterkeys())

    def is_read(self, entry_id: str) -> bool:
        return entry_id in self._read

    def is_starred(self, entry_id: str) -> bool:
        return entry_id in self._starred

    def set_read(self, entry_ids: Iterable[str], read: bool = True) -> None:
        with _storage_errors(self.root), self._read.transact():
            for entry_id in entry_ids:
                if read:
                    self._read.set(entry_id, 1)
                else:
                    self._read.delete(entry_id)

    def set_starred(self, entry_id: str, starred: bool) -> None:
        with _storage_errors(self.root):
            if starred:
                self._starred.set(entry_id, 1)
            else:
                self._starred.delete(entry_id)

    def user_value(self, key: str, default: Any = None) -> Any:
        """Small user data that must never be evicted (e.g. state waiting for a first fetch)."""
        value = self._user.get(("value", key), _MISSING)
        return default if value is _MISSING else from_data(value)

    def set_user_value(self, key: str, value: Any) -> None:
        with _storage_errors(self.root):
            self._user.set(("value", key), to_data(value))

    def ui_position(self) -> dict[str, Any]:
        return dict(self._user.get("position", {}))

    def set_ui_position(self, position: dict[str, Any]) -> None:
        with _storage_errors(self.root):
            self._user.set("position", position)
