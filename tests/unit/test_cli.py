"""Headless commands: exit codes, user errors without tracebacks, output, import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer, Route

from tui_reader.cli import main
from tui_reader.models import Article, Block, Entry, Link, LinkRef
from tui_reader.store import Store

FEED = "https://tecno.example/feed"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndata_dir = "{tmp_path / "data"}"\ncache_dir = "{tmp_path / "cache"}"\n'
        f'[[feeds]]\nurl = "{FEED}"\ntitle = "Tecno"\ntags = ["es"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TUI_READER_CONFIG", str(path))
    return path


@pytest.fixture
def filled(config_file: Path, tmp_path: Path) -> Path:
    entry = Entry(
        id="abc123",
        url="https://tecno.example/nota",
        title="Título \x1b[31mrojo\x1b[0m [bold]no[/bold]",
        feeds=(FEED,),
        published=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        site="tecno.example",
        via=("https://agregador.example/r?u=1",),
    )
    article = Article(
        url=entry.url,
        title="Título",
        blocks=(
            Block(
                "paragraph", "Según la fuente oficial, todo va bien.", links=(LinkRef(6, 23, 1),)
            ),
            Block("quote", "Una cita.", attribution="— Ana, ingeniera"),
        ),
        links=(Link(1, "la fuente oficial", "https://fuente.example/x"),),
    )
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        store.add_entries(FEED, [entry], {entry.id: article})
    return config_file


def test_list_and_show_print_clean_text(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "abc123" in out and "\x1b" not in out
    assert "[bold]no[/bold]" in out, "markup characters show literally"
    assert main(["show", "abc123"]) == 0
    out = capsys.readouterr().out
    assert "la fuente oficial[1]" in out
    assert "[1] https://fuente.example/x" in out
    assert "│ Una cita." in out and "— Ana, ingeniera" in out
    assert "via https://agregador.example/r?u=1" in out


def test_show_json_and_list_json(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json", "--unread"]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["id"] == "abc123" and record["read"] is False
    assert main(["show", "abc123", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["links"][0]["href"] == "https://fuente.example/x"


def test_unknown_entry_is_one_line_and_exit_1(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "nope"]) == 1, "not there, as grep says: not a usage error"
    assert "no entry with id" in capsys.readouterr().err


def test_feeds_add_list_remove(
    config_file: Path, feedserver: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feedserver.feed("/rss", "atom_es.xml", content_type="application/atom+xml")
    other = feedserver.url("/rss")
    assert main(["feeds", "add", other, "--tag", "pt"]) == 0
    assert capsys.readouterr().out == f"subscribed: {other}\n"
    assert main(["feeds", "list", "--json"]) == 0
    urls = [json.loads(line)["url"] for line in capsys.readouterr().out.splitlines()]
    assert urls == [FEED, other]
    assert main(["feeds", "add", "javascript:alert(1)"]) == 2
    assert main(["feeds", "remove", FEED]) == 2, "a feed from the config file is removed there"
    assert main(["feeds", "remove", other]) == 0


def test_feeds_add_finds_the_feed_a_page_advertises(
    config_file: Path, feedserver: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feedserver.feed("/noticias/feed", "wordpress_es.rss")
    feedserver.add("/", Route(body=_page_with_feeds(["/noticias/feed"]), content_type="text/html"))
    assert main(["feeds", "add", feedserver.url("/")]) == 0
    assert capsys.readouterr().out == f"subscribed: {feedserver.url('/noticias/feed')}\n"


def test_feeds_add_falls_back_to_the_usual_paths(
    config_file: Path, feedserver: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feedserver.feed("/feed/", "wordpress_es.rss")
    feedserver.add("/", Route(body=_page_with_feeds([]), content_type="text/html"))
    assert main(["feeds", "add", feedserver.url("/")]) == 0
    assert capsys.readouterr().out == f"subscribed: {feedserver.url('/feed/')}\n"


def test_feeds_add_with_several_feeds_and_no_tty_lists_them(
    config_file: Path, feedserver: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feedserver.feed("/a.rss", "wordpress_es.rss")
    feedserver.feed("/b.atom", "atom_es.xml", content_type="application/atom+xml")
    feedserver.add(
        "/", Route(body=_page_with_feeds(["/a.rss", "/b.atom"]), content_type="text/html")
    )
    assert main(["feeds", "add", feedserver.url("/")]) == 2
    err = capsys.readouterr().err
    assert "offers 2 feeds" in err and feedserver.url("/b.atom") in err


def test_feeds_add_of_a_page_without_feeds_is_one_line(
    config_file: Path, feedserver: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feedserver.add("/", Route(body=_page_with_feeds([]), content_type="text/html"))
    assert main(["feeds", "add", feedserver.url("/")]) == 1
    assert "no feed found" in capsys.readouterr().err


def test_feeds_add_offline_says_the_host_could_not_be_reached_and_exits_1(
    config_file: Path, feedserver: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = feedserver.url("/feedburner.xml")
    feedserver.stop()
    assert main(["feeds", "add", url]) == 1
    err = capsys.readouterr().err.strip()
    assert "could not connect to 127.0.0.1" in err and "nothing added" in err
    assert len(err.splitlines()) == 1


def _page_with_feeds(paths: list[str]) -> bytes:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{p}">' for p in paths
    )
    return f"<html><head><title>Sitio</title>{links}</head><body><p>Hola</p></body></html>".encode()


def test_bad_config_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\nper_host = 0\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tui_reader", "--config", str(bad), "status"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"tui-reader: config error: {bad}: fetch.per_host: expected a positive whole number"
    )


@pytest.mark.parametrize("command", ["list", "show abc123", "status", "feeds list", "doctor"])
def test_headless_commands_never_import_textual_or_trafilatura(filled: Path, command: str) -> None:
    code = (
        "import sys\n"
        "from tui_reader.cli import main\n"
        f"rc = main({command.split()!r})\n"
        "bad = sorted(m for m in ('textual', 'trafilatura') if m in sys.modules)\n"
        "print('IMPORTED', bad, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "IMPORTED []" in proc.stderr


def test_doctor_sets_a_damaged_store_file_aside_and_keeps_user_state(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        store.set_read(["abc123"])
        store.set_starred("abc123", True)
    main_db = tmp_path / "data" / "store" / "main" / "cache.db"
    main_db.write_bytes(b"garbage" * 1000)
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert str(main_db) in err and "tui-reader doctor" in err and "Traceback" not in err
    assert main(["doctor"]) == 0
    assert "set aside" in capsys.readouterr().out
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        assert store.read_ids() == {"abc123"}
        assert store.starred_ids() == {"abc123"}


DATA = Path(__file__).resolve().parent.parent / "data"


def test_import_opml_then_export_round_trips_urls(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(DATA / "opml" / "ttrss-nested.opml")]) == 0
    out = capsys.readouterr().out
    assert "imported" in out
    assert main(["export", "--opml2"]) == 0
    exported = capsys.readouterr().out
    expected = json.loads(
        (DATA / "opml" / "ttrss-nested.expected.json").read_text(encoding="utf-8")
    )
    urls = [f["url"] for f in (expected["feeds"] if isinstance(expected, dict) else expected)]
    assert urls and all(url.replace("&", "&amp;") in exported for url in urls)


def test_import_newsboat_lists_skipped_lines_with_reasons(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--newsboat", str(DATA / "newsboat" / "urls")]) == 0
    out = capsys.readouterr().out
    assert "exec:" in out and "never runs commands" in out
    assert "query:" in out


def test_import_of_a_hostile_opml_is_one_line_exit_2(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(DATA / "opml" / "billion-laughs.opml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DOCTYPE" in err


def test_doctor_then_search_finds_accentless_query(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == 0
    capsys.readouterr()
    assert main(["search", "segun", "fuente", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [h["id"] for h in hits] == ["abc123"]


def test_list_filters_by_language(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        pt = Entry(
            id="pt1", url="https://tecno.example/pt", title="Notícia", feeds=(FEED,),
            published=datetime(2026, 11, 2, tzinfo=UTC), language="pt-BR",
        )  # fmt: skip
        store.add_entries(FEED, [pt], {})
    assert main(["list", "--language", "pt"]) == 0
    out = capsys.readouterr().out
    assert "pt1" in out and "abc123" not in out


def test_status_says_how_many_entries_a_feed_holds(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "1 unread" in line and "1 held" in line and "Tecno" in line
