"""Config loading: defaults, the user's file over them, and errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_without_a_user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUI_READER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nowhere"))
    config = load_config()
    assert config.source is None
    assert config.fetch.per_host == 2
    assert config.default_feeds, "a default list of Spanish tech-news feeds ships"
    assert all(f.url.startswith("https://") for f in config.default_feeds)


def test_user_file_overrides_key_by_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[fetch]\nper_host = 4\nretry_backoff = 0.25\n[storage]\ndata_dir = "/tmp/x"\n'
        '[[feeds]]\nurl = "https://a.example/feed"\ntags = ["es"]\nfulltext = false\n',
    )
    config = load_config(path)
    assert config.fetch.per_host == 4
    assert config.fetch.concurrency == 16
    assert config.fetch.retry_backoff == 0.25 and config.fetch.retries == 2
    assert config.storage.data_dir == Path("/tmp/x")
    assert config.feeds[0].fulltext is False
    assert config.default_feeds == (), "a user's own [[feeds]] replace the defaults"


def test_config_env_variable_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[reader]\nmeasure = 72\n")
    monkeypatch.setenv("TUI_READER_CONFIG", str(path))
    assert load_config().reader.measure == 72


def test_config_is_never_read_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "[reader]\nmeasure = 33\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TUI_READER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_config().reader.measure == 80


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ('[fetch]\nper_host = "two"\n', "fetch.per_host", "positive whole number"),
        ("[fetch]\nretry_backoff = 0\n", "fetch.retry_backoff", "seconds > 0"),
        ("[fetchh]\n", "fetchh", "known table"),
        ("[fetch]\nfoo = 1\n", "fetch.foo", "known key"),
        ('[[feeds]]\ntitle = "x"\n', "feeds[0].url", "http(s) URL"),
        ('[[feeds]]\nurl = "ftp://x/y"\n', "feeds[0].url", "http(s) URL"),
        ('[[feeds]]\nurl = "https://x/y"\nfulltext = "maybe"\n', "feeds[0].fulltext", '"auto"'),
        ('[[filters]]\npattern = "("\n', "filters[0].pattern", "valid regex"),
        ("[reader.keys]\nnext_entry = 3\n", "reader.keys.next_entry", "key list"),
        ("[fetch\n", "(syntax)", "valid TOML"),
    ],
)
def test_bad_config_names_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.file == str(path)
    assert info.value.key == key
    assert expected in info.value.expected


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(tmp_path / "absent.toml")
