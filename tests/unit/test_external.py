"""$PAGER and $EDITOR are started without a shell: their words split, nothing interpreted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui_reader.external import ExternalError, edit, page


def recorder(tmp_path: Path) -> Path:
    """A program that writes its arguments and its stdin to files beside it."""
    script = tmp_path / "rec ord.py"
    script.write_text(
        "import sys, pathlib\n"
        "here = pathlib.Path(sys.argv[0]).parent\n"
        "(here / 'args').write_text('\\n'.join(sys.argv[1:]))\n"
        "(here / 'stdin').write_bytes(sys.stdin.buffer.read() if not sys.stdin.isatty() else b'')\n",
        encoding="utf-8",
    )
    return script


def test_the_pager_gets_the_text_on_stdin(tmp_path: Path) -> None:
    script = recorder(tmp_path)
    page("Título\n[1] https://x.example\n", {"PAGER": f"{sys.executable} '{script}' -R"})
    assert (tmp_path / "stdin").read_text(encoding="utf-8") == "Título\n[1] https://x.example\n"
    assert (tmp_path / "args").read_text() == "-R"


def test_the_editor_gets_the_path_as_one_word_and_no_shell_runs(tmp_path: Path) -> None:
    script = recorder(tmp_path)
    target = tmp_path / "my config.toml"
    marker = tmp_path / "pwned"
    editor = f"{sys.executable} '{script}' ; touch {marker}"
    assert edit(target, {"EDITOR": editor}) == 0
    assert (tmp_path / "args").read_text().splitlines() == [";", "touch", str(marker), str(target)]
    assert not marker.exists(), "a shell would have run `touch`"


def test_an_editor_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ExternalError, match="could not start 'no-such-editor'"):
        edit(tmp_path / "c.toml", {"EDITOR": "no-such-editor --wait"})
