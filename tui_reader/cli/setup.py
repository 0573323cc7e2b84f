"""`config` (where config, data, cache and log live; `config edit`) and `completion`."""

from __future__ import annotations

import argparse
import sys

from tui_reader.cli.output import print_json
from tui_reader.cli.parser import EXIT_OK, UserError
from tui_reader.config import Config

TEMPLATE = """\
# tui-reader settings. Every key is optional; the shipped defaults, with comments, are in
# {defaults}. An unknown key or a wrong type is an error that names the key.

# [[feeds]]
# url = "https://www.muycomputer.com/feed/"
# tags = ["es"]
"""


def config_paths(config: Config) -> dict[str, str | bool]:
    """Where the config file (read or, if none, looked for), the store, the cache and the log are."""
    from tui_reader import paths

    config_file = config.source or paths.user_config_file()
    return {
        "config": str(config_file),
        "config_exists": config_file.exists(),
        "data": str(config.storage.data_dir),
        "cache": str(config.storage.cache_dir),
        "state": str(config.storage.state_dir),
        "log": str(config.log_file),
    }


def cmd_config(config: Config, args: argparse.Namespace) -> int:
    """`config` (or `config paths`): the paths; `config edit`: the config file in $EDITOR."""
    if getattr(args, "config_command", None) == "edit":
        return edit_config(config)
    found = config_paths(config)
    if args.json:
        print_json(found)
        return EXIT_OK
    note = "" if found["config_exists"] else "  (not there: the defaults apply)"
    print(f"config  {found['config']}{note}")
    for key in ("data", "cache", "state", "log"):
        print(f"{key:<6}  {found[key]}")
    return EXIT_OK


def edit_config(config: Config) -> int:
    """Open the config file in $VISUAL/$EDITOR (no shell), made from a template if missing,
    then check it: a mistake is reported at once, not at the next fetch."""
    from tui_reader import paths
    from tui_reader.config import ConfigError, load_config
    from tui_reader.external import ExternalError, edit

    path = config.source or paths.user_config_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE.format(defaults=paths.defaults_dir() / "settings.toml"))
    try:
        status = edit(path)
    except ExternalError as exc:
        raise UserError(str(exc)) from None
    if status != 0:
        raise UserError(f"the editor exited with status {status}; {path} is as it left it")
    try:
        load_config(path)
    except ConfigError as exc:
        raise UserError(f"{path} was saved, but: {exc}") from None
    return EXIT_OK


def cmd_completion(config: Config, args: argparse.Namespace) -> int:
    """A completion script for the shell, generated from the parser itself."""
    import shtab

    from tui_reader.cli.parser import build_parser

    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return EXIT_OK
