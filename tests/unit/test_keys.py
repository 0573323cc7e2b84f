"""`[reader.keys]`: unknown ids, keys bound twice and actions left keyless are config errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.config import ConfigError, load_config


def config_with_keys(tmp_path: Path, keys: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[reader.keys]\n{keys}\n", encoding="utf-8")
    return path


def error_for(tmp_path: Path, keys: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(config_with_keys(tmp_path, keys))
    return info.value


def test_an_unknown_binding_id_is_an_error_naming_file_and_key(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'cursor_dwn = "j"')
    assert error.file == str(tmp_path / "config.toml")
    assert error.key == "reader.keys.cursor_dwn"
    assert "cursor_down" in error.expected, "the known ids are listed"


def test_a_key_another_action_keeps_is_an_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'back = "j"')
    assert error.key == "reader.keys.back"
    assert "'j' is cursor_down's" in error.expected


def test_taking_an_actions_only_key_says_it_is_left_without_one(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'refresh = "s"')
    assert "toggle_star's and would be left without a key" in error.expected


def test_a_swap_and_dialog_keys_are_fine(tmp_path: Path) -> None:
    config = load_config(
        config_with_keys(tmp_path, 'back = "j"\ncursor_down = "q,down"\nclose_help = "n"')
    )
    assert config.reader.keys["back"] == "j"


def test_the_reader_refuses_a_bad_remap_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_with_keys(tmp_path, 'cursor_dwn = "j"')
    assert main(["--config", str(path), "status"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "reader.keys.cursor_dwn" in err
