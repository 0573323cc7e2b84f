"""The command line for scripts and status bars: one JSON convention, help for every option,
-q, the unread count, marks from a script, `config`, the pager, completion, feed names."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.cli.parser import build_parser
from tui_reader.models import Article, Block, Entry, FeedState
from tui_reader.store import Store

FEED = "https://tecno.example/feed"
OTHER = "https://otro.example/rss"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndata_dir = "{tmp_path / "data"}"\ncache_dir = "{tmp_path / "cache"}"\n'
        f'[[feeds]]\nurl = "{FEED}"\ntitle = "Tecno"\n[[feeds]]\nurl = "{OTHER}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TUI_READER_CONFIG", str(path))
    entries = [
        Entry(id=f"ab{i}c0ffee", url=f"https://tecno.example/{i}", title=f"Nota {i}",
              feeds=(FEED if i < 3 else OTHER,), published=datetime(2026, 11, i + 1, 9, 30, tzinfo=UTC))
        for i in range(4)
    ]  # fmt: skip
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        text = Article(url=entries[0].url, blocks=(Block("paragraph", "Texto."),))
        for entry in entries:
            store.add_entries(
                entry.feeds[0], [entry], {entry.id: text} if entry is entries[0] else {}
            )
        store.put_feed_state(FeedState(key=OTHER, url=OTHER, title="Ciência Hoje", status="ok",
                                       last_fetch=datetime(2026, 11, 5, 8, 0, tzinfo=UTC)))  # fmt: skip
    return path


def records(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize(
    "command", [["list"], ["status"], ["feeds", "list"], ["show", "ab0"], ["unread"], ["config"]]
)
def test_every_json_output_is_json_lines_with_iso_utc_dates(
    filled: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main([*command, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n") and not out.startswith("[")
    for record in records(out):
        assert isinstance(record, dict)
        for key in ("published", "last_fetch"):
            value = record.get(key)
            assert value is None or (isinstance(value, str) and ISO_UTC.match(value)), record


def test_every_option_has_help() -> None:
    def walk(parser: argparse.ArgumentParser, where: str) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    missing += walk(sub, f"{where} {name}")
            elif action.help is None:
                missing.append(f"{where}: {'/'.join(action.option_strings) or action.dest}")
        return missing

    assert walk(build_parser(), "tui-reader") == []


def test_help_documents_the_json_convention(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "JSON Lines" in capsys.readouterr().out


def test_unread_count_for_status_bars(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["unread"]) == 0
    assert capsys.readouterr().out == "4\n"
    assert main(["mark", "read", "ab1", "ab2c0ffee"]) == 0
    assert main(["unread", "--feed", "Tecno"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1"


def test_mark_from_a_script_and_q(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mark", "starred", "ab3"]) == 0
    assert capsys.readouterr().out == "marked 1 entries starred\n"
    assert main(["-q", "mark", "read", "--feed", "Ciência Hoje"]) == 0
    assert capsys.readouterr().out == "", "-q: nothing but errors"
    assert main(["list", "--starred", "--json"]) == 0
    [starred] = records(capsys.readouterr().out)
    assert starred["id"] == "ab3c0ffee" and starred["read"] is True


def test_ids_by_unique_prefix_and_exit_codes(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "ab0", "--json"]) == 0
    assert records(capsys.readouterr().out)[0]["id"] == "ab0c0ffee"
    assert main(["show", "ab"]) == 2, "ambiguous: a usage error"
    assert "type more of it" in capsys.readouterr().err
    assert main(["show", "999999"]) == 1, "not found is not a usage error"
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_feed_titles_from_the_feed_itself_work_as_names(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--feed", "ciência hoje", "--json"]) == 0
    assert [r["id"] for r in records(capsys.readouterr().out)] == ["ab3c0ffee"]


def test_config_shows_where_things_live(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--json"]) == 0
    [paths] = records(capsys.readouterr().out)
    assert paths["config"] == str(filled) and paths["data"] == str(filled.parent / "data")
    assert str(paths["log"]).endswith("tui-reader.log")


def test_config_edit_runs_the_editor_without_a_shell(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen"
    script = tmp_path / "editor.py"
    script.write_text(f"import sys; open({str(seen)!r}, 'w').write(sys.argv[1])\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    assert main(["config", "edit"]) == 0
    assert seen.read_text() == str(filled)


def test_show_on_a_tty_uses_the_pager(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paged = tmp_path / "paged"
    script = tmp_path / "pager.py"
    script.write_text(f"import sys; open({str(paged)!r}, 'wb').write(sys.stdin.buffer.read())\n")
    monkeypatch.setenv("PAGER", f"{sys.executable} {script}")
    # A real terminal for its output: the command run with its stdout on a pty.
    master, slave = os.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "tui_reader", "show", "ab0"], stdout=slave, stdin=slave
        )
        os.close(slave)
        shown = b""
        with contextlib.suppress(OSError):  # EIO once the child's end is closed
            while chunk := os.read(master, 4096):
                shown += chunk
        assert child.wait(timeout=60) == 0, shown
    finally:
        os.close(master)
    assert "Texto." in paged.read_text(encoding="utf-8")
    assert b"Texto." not in shown, "the article went to the pager, not the terminal"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_script(capsys: pytest.CaptureFixture[str], shell: str, filled: Path) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "tui-reader" in script or "tui_reader" in script
    assert "feeds" in script and "--unread" in script
