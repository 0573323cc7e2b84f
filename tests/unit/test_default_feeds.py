"""The default subscriptions: seeded once on a new store, gone once the config lists its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.config import load_config
from tui_reader.services import effective_feeds, store_for

MINE = "https://mio.example/feed"


def write_config(path: Path, data: Path, feeds: str = "") -> Path:
    path.write_text(
        f'[storage]\ndata_dir = "{data}"\ncache_dir = "{data / "cache"}"\n{feeds}',
        encoding="utf-8",
    )
    return path


def listed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line.split()[0] for line in capsys.readouterr().out.splitlines()]


def test_default_feeds_vanish_once_the_config_lists_feeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path / "config.toml", tmp_path / "data")
    assert main(["--config", str(config), "feeds", "list"]) == 0
    defaults = listed(capsys)
    assert len(defaults) >= 3, "a new store is subscribed to the defaults"
    write_config(config, tmp_path / "data", f'[[feeds]]\nurl = "{MINE}"\n')
    assert main(["--config", str(config), "feeds", "list"]) == 0
    assert listed(capsys) == [MINE], "the defaults seeded earlier are gone"


def test_a_default_the_user_adopted_stays(tmp_path: Path) -> None:
    path = write_config(tmp_path / "config.toml", tmp_path / "data")
    with store_for(load_config(path)) as store:
        defaults = [f.url for f in effective_feeds(load_config(path), store)]
        write_config(path, tmp_path / "data", f'[[feeds]]\nurl = "{MINE}"\n')
        store.adopt_seeded(defaults[0])  # `feeds add` of a default, or an import naming it
        assert [f.url for f in effective_feeds(load_config(path), store)] == [MINE, defaults[0]]


def test_a_store_seeded_before_the_list_was_kept_hides_the_shipped_defaults(
    tmp_path: Path,
) -> None:
    path = write_config(tmp_path / "config.toml", tmp_path / "data")
    with store_for(load_config(path)) as store:
        effective_feeds(load_config(path), store)
        store._user.delete("seeded_urls")  # as an older version left it
        write_config(path, tmp_path / "data", f'[[feeds]]\nurl = "{MINE}"\n')
        assert [f.url for f in effective_feeds(load_config(path), store)] == [MINE]


def test_feeds_are_found_by_the_title_they_give_themselves() -> None:
    from tui_reader.config import FeedConfig
    from tui_reader.services import find_feeds

    feeds = [FeedConfig(url="https://a.example/rss"), FeedConfig(url="https://b.example/rss")]
    titles = {"https://a.example/rss": "Bit Notizie"}
    assert find_feeds(feeds, "bit notizie", titles) == feeds[:1]
    assert find_feeds(feeds, "bit notizie") == [], "without the feeds' own titles"
