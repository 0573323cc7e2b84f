"""Configuration: shipped TOML defaults merged with the user's file into frozen dataclasses.

Every key is checked: an unknown key or a value of the wrong type is a `ConfigError` that names
the file, the key and what was expected, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tui_reader import paths
from tui_reader.config_types import (
    FILTER_FIELDS,
    Config,
    ConfigError,
    FeedConfig,
    FetchConfig,
    FilterAction,
    FilterField,
    FilterRule,
    FullText,
    ReaderConfig,
    StorageConfig,
)
from tui_reader.sync.settings import parse_sync

__all__ = [
    "FILTER_FIELDS",
    "Config",
    "ConfigError",
    "FeedConfig",
    "FetchConfig",
    "FilterAction",
    "FilterField",
    "FilterRule",
    "FullText",
    "ReaderConfig",
    "StorageConfig",
    "_Checker",
    "load_config",
    "load_default_feeds",
    "merge_tables",
    "parse_feeds",
    "with_storage",
]

T = TypeVar("T")


class _Checker:
    """Reads typed values out of a TOML table, naming the file and dotted key on error."""

    def __init__(self, file: Path | str) -> None:
        self.file = file

    def table(self, data: Mapping[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
        value = data.get(key.rsplit(".", 1)[-1], {})
        if not isinstance(value, dict):
            raise ConfigError(self.file, key, "a table")
        for name in value:
            if name not in allowed:
                expected = "one of " + ", ".join(sorted(allowed)) if allowed else "no keys"
                raise ConfigError(self.file, f"{key}.{name}", f"a known key ({expected})")
        return value

    def get(
        self,
        data: Mapping[str, Any],
        prefix: str,
        name: str,
        kind: Callable[[Any], bool],
        expected: str,
        default: T,
    ) -> T:
        if name not in data:
            return default
        value = data[name]
        if not kind(value):
            raise ConfigError(self.file, f"{prefix}{name}", expected)
        return value  # type: ignore[no-any-return]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_pos_int(v: Any) -> bool:
    return _is_int(v) and v > 0


def _is_nonneg_int(v: Any) -> bool:
    return _is_int(v) and v >= 0


def _is_pos_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v > 0


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_fulltext(v: Any) -> bool:
    return isinstance(v, bool) or v == "auto"


def _is_http_url(v: Any) -> bool:
    return (
        isinstance(v, str) and urlsplit(v).scheme in ("http", "https") and bool(urlsplit(v).netloc)
    )


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(path, "(file)", "an existing TOML file") from None
    except OSError as exc:
        raise ConfigError(path, "(file)", f"a readable file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "(syntax)", f"valid TOML ({exc})") from None


def merge_tables(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `over` laid on top, table by table (neither is changed)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_tables(merged[key], value)
        else:
            merged[key] = value
    return merged


TOP_KEYS = {"storage", "fetch", "reader", "extract", "filters", "feeds", "sync"}


def _parse_filters(check: _Checker, items: Any, prefix: str) -> tuple[FilterRule, ...]:
    if not isinstance(items, list):
        raise ConfigError(check.file, prefix, "an array of tables ([[filters]])")
    rules = []
    for i, item in enumerate(items):
        key = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(check.file, key, "a table")
        for name in item:
            if name not in ("pattern", "field", "action", "feed"):
                raise ConfigError(check.file, f"{key}.{name}", "pattern, field, action or feed")
        pattern = check.get(item, f"{key}.", "pattern", _is_str, "a regular expression", "")
        if not pattern:
            raise ConfigError(check.file, f"{key}.pattern", "a regular expression")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(check.file, f"{key}.pattern", f"a valid regex ({exc})") from None
        field_name: FilterField = check.get(
            item,
            f"{key}.",
            "field",
            lambda v: v in FILTER_FIELDS,
            "title, author, text or any",
            "any",
        )
        action: FilterAction = check.get(
            item, f"{key}.", "action", lambda v: v in ("hide", "read"), '"hide" or "read"', "hide"
        )
        feed = check.get(item, f"{key}.", "feed", _is_str, "a feed URL or title", "")
        rules.append(FilterRule(pattern=pattern, field=field_name, action=action, feed=feed))
    return tuple(rules)


FEED_KEYS = {
    "url",
    "title",
    "tags",
    "fulltext",
    "language",
    "keep_days",
    "interval_minutes",
    "extract",
    "filters",
}


def parse_feeds(check: _Checker, items: Any, prefix: str = "feeds") -> tuple[FeedConfig, ...]:
    if not isinstance(items, list):
        raise ConfigError(check.file, prefix, "an array of tables ([[feeds]])")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        key = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(check.file, key, "a table with a url")
        for name in item:
            if name not in FEED_KEYS:
                raise ConfigError(
                    check.file,
                    f"{key}.{name}",
                    "a known key (" + ", ".join(sorted(FEED_KEYS)) + ")",
                )
        if "url" not in item:
            raise ConfigError(check.file, f"{key}.url", "an http(s) URL (required)")
        url = check.get(item, f"{key}.", "url", _is_http_url, "an http(s) URL", "")
        if url in seen:
            continue
        seen.add(url)
        keep = item.get("keep_days")
        if keep is not None and not _is_pos_int(keep):
            raise ConfigError(check.file, f"{key}.keep_days", "a positive whole number of days")
        extract: dict[str, Any] = check.get(
            item, f"{key}.", "extract", lambda v: isinstance(v, dict), "a table", {}
        )
        feeds.append(
            FeedConfig(
                url=url,
                title=check.get(item, f"{key}.", "title", _is_str, "a string", ""),
                tags=tuple(
                    check.get(item, f"{key}.", "tags", _is_str_list, "a list of strings", [])
                ),
                fulltext=check.get(
                    item, f"{key}.", "fulltext", _is_fulltext, '"auto", true or false', "auto"
                ),
                language=check.get(item, f"{key}.", "language", _is_str, "a language code", ""),
                keep_days=keep,
                interval_minutes=check.get(
                    item,
                    f"{key}.",
                    "interval_minutes",
                    _is_nonneg_int,
                    "a whole number of minutes",
                    0,
                ),
                extract=extract,
                filters=_parse_filters(check, item.get("filters", []), f"{key}.filters"),
            )
        )
    return tuple(feeds)


def _build(data: Mapping[str, Any], file: Path | str) -> Config:
    check = _Checker(file)
    for name in data:
        if name not in TOP_KEYS:
            raise ConfigError(file, name, "a known table (" + ", ".join(sorted(TOP_KEYS)) + ")")

    st = check.table(
        data,
        "storage",
        {"data_dir", "cache_dir", "state_dir", "keep_days", "keep_entries", "page_cache_mb"},
    )
    data_dir = check.get(st, "storage.", "data_dir", _is_str, "a path", "")
    cache_dir = check.get(st, "storage.", "cache_dir", _is_str, "a path", "")
    state_dir = check.get(st, "storage.", "state_dir", _is_str, "a path", "")
    storage = StorageConfig(
        data_dir=Path(data_dir).expanduser() if data_dir else paths.default_data_dir(),
        cache_dir=Path(cache_dir).expanduser() if cache_dir else paths.default_cache_dir(),
        state_dir=Path(state_dir).expanduser() if state_dir else paths.default_state_dir(),
        keep_days=check.get(
            st, "storage.", "keep_days", _is_pos_int, "a positive whole number of days", 60
        ),
        keep_entries=check.get(
            st, "storage.", "keep_entries", _is_nonneg_int, "a whole number of entries >= 0", 50
        ),
        page_cache_mb=check.get(
            st, "storage.", "page_cache_mb", _is_pos_int, "a positive number of MB", 512
        ),
    )

    fe = check.table(
        data,
        "fetch",
        {
            "concurrency", "per_host", "connect_timeout", "read_timeout", "total_timeout",
            "retries", "retry_backoff", "max_bytes", "fulltext", "workers", "user_agent",
        },
    )  # fmt: skip
    p = "fetch."
    fetch = FetchConfig(
        concurrency=check.get(fe, p, "concurrency", _is_pos_int, "a positive whole number", 16),
        per_host=check.get(fe, p, "per_host", _is_pos_int, "a positive whole number", 2),
        connect_timeout=float(
            check.get(fe, p, "connect_timeout", _is_pos_number, "seconds > 0", 10.0)
        ),
        read_timeout=float(check.get(fe, p, "read_timeout", _is_pos_number, "seconds > 0", 20.0)),
        total_timeout=float(check.get(fe, p, "total_timeout", _is_pos_number, "seconds > 0", 60.0)),
        retries=check.get(fe, p, "retries", _is_nonneg_int, "a whole number >= 0", 2),
        retry_backoff=float(check.get(fe, p, "retry_backoff", _is_pos_number, "seconds > 0", 0.5)),
        max_bytes=check.get(
            fe, p, "max_bytes", _is_pos_int, "a positive number of bytes", 10_000_000
        ),
        fulltext=check.get(fe, p, "fulltext", _is_fulltext, '"auto", true or false', "auto"),
        workers=check.get(fe, p, "workers", _is_nonneg_int, "a whole number >= 0 (0 = cores)", 0),
        user_agent=check.get(fe, p, "user_agent", _is_str, "a string", ""),
    )

    rd = check.table(
        data, "reader", {"measure", "align", "inline_images", "unread_only", "poll_seconds", "keys"}
    )
    keys: dict[str, Any] = check.get(
        rd, "reader.", "keys", lambda v: isinstance(v, dict), "a table", {}
    )
    for binding_id, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(file, f"reader.keys.{binding_id}", 'a key list such as "j,down"')
    from tui_reader.keys import keymap_problem

    problem = keymap_problem(keys)
    if problem is not None:
        raise ConfigError(file, f"reader.keys.{problem[0]}", problem[1])
    reader = ReaderConfig(
        measure=check.get(
            rd, "reader.", "measure", lambda v: _is_int(v) and 20 <= v <= 400, "columns, 20-400", 80
        ),
        align=check.get(
            rd,
            "reader.",
            "align",
            lambda v: v in ("center", "left"),
            '"center" or "left"',
            "center",
        ),
        inline_images=check.get(rd, "reader.", "inline_images", _is_bool, "true or false", False),
        unread_only=check.get(rd, "reader.", "unread_only", _is_bool, "true or false", False),
        poll_seconds=float(
            check.get(rd, "reader.", "poll_seconds", _is_pos_number, "seconds > 0", 3.0)
        ),
        keys=dict(keys),
    )

    extract: dict[str, Any] = check.get(
        data, "", "extract", lambda v: isinstance(v, dict), "a table", {}
    )
    return Config(
        storage=storage,
        fetch=fetch,
        reader=reader,
        extract=extract,
        filters=_parse_filters(check, data.get("filters", []), "filters"),
        feeds=parse_feeds(check, data.get("feeds", [])),
        sync=parse_sync(file, data),
    )


def load_default_feeds() -> tuple[FeedConfig, ...]:
    path = paths.defaults_dir() / "feeds.toml"
    return parse_feeds(_Checker(path), _read_toml(path).get("feeds", []))


def load_config(path: Path | str | None = None) -> Config:
    """Shipped defaults, then the user's file: `path`, `$TUI_READER_CONFIG`, or the XDG one.

    An explicit path that does not exist is an error; a missing XDG file means defaults only.
    """
    defaults_file = paths.defaults_dir() / "settings.toml"
    data = _read_toml(defaults_file)
    _build(data, defaults_file)  # the shipped file must itself be valid
    explicit = path is not None or bool(os.environ.get(paths.CONFIG_ENV))
    user_file = Path(path).expanduser() if path is not None else paths.user_config_file()
    source: Path | None = None
    if explicit or user_file.exists():
        user = _read_toml(user_file)
        _build(user, user_file)  # errors name the user's file, not the merged result
        data = merge_tables(data, user)
        source = user_file
    config = _build(data, source or defaults_file)
    default_feeds = () if "feeds" in data else load_default_feeds()
    return replace(config, default_feeds=default_feeds, source=source)


def with_storage(config: Config, data_dir: Path, cache_dir: Path | None = None) -> Config:
    """A copy of `config` whose store lives elsewhere (the demo, tests)."""
    storage = replace(
        config.storage,
        data_dir=data_dir,
        cache_dir=cache_dir or data_dir / "cache",
        state_dir=data_dir / "state",
    )
    return replace(config, storage=storage)
