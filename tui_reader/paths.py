"""Where tui-reader reads its config and keeps its data: XDG dirs via platformdirs, one place."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "tui-reader"
CONFIG_ENV = "TUI_READER_CONFIG"


def user_config_file() -> Path:
    """The user's config file: `$TUI_READER_CONFIG`, else the XDG config dir. Never the cwd."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


def default_state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME))


def defaults_dir() -> Path:
    """The shipped `config/` directory: packaged as `_defaults` in a wheel, `config/` in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_defaults"
    if packaged.is_dir():
        return packaged
    return here.parent / "config"
