"""Full-text search: ranking, accents, prefixes, hostile queries, upserts and rebuilds."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.models import Article, Block, Entry
from tui_reader.search import (
    INDEX_FILE,
    Document,
    Hit,
    SearchIndex,
    SearchIndexError,
    build_query,
    fold,
)
from tui_reader.store import Store

WHEN = datetime(2024, 3, 5, tzinfo=UTC)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    with SearchIndex(tmp_path / INDEX_FILE) as ix:
        ix.add(
            "quantum",
            "La informática cuántica llega a España",
            "Un ordenador cuántico de IBM se instala en Bilbao. Los investigadores celebran.",
            ["xataka"],
            WHEN,
        )
        ix.add(
            "body-only",
            "Resultados del trimestre",
            "La empresa de informática presentó sus cuentas. Nada cuántico aquí.",
            ["genbeta"],
            WHEN,
        )
        ix.add(
            "rust",
            "Rust 1.80 stabilises LazyCell",
            "The Rust release brings LazyCell and LazyLock to stable.",
            ["lwn", "hn"],
            WHEN,
        )
        yield ix


def ids(hits: list[Hit]) -> list[str]:
    return [h.entry_id for h in hits]


def test_search_is_accent_and_case_insensitive(index: SearchIndex) -> None:
    assert set(ids(index.search("informatica"))) == {"quantum", "body-only"}
    assert set(ids(index.search("INFORMÁTICA"))) == {"quantum", "body-only"}
    assert ids(index.search("Espana")) == ["quantum"]


def test_a_title_match_ranks_above_a_body_match(index: SearchIndex) -> None:
    hits = index.search("informatica")
    assert ids(hits) == ["quantum", "body-only"]
    assert hits[0].score > hits[1].score


def test_the_last_word_matches_as_a_prefix(index: SearchIndex) -> None:
    assert ids(index.search("ordenador cuant")) == ["quantum"]
    assert ids(index.search("lazyc")) == ["rust"]
    assert index.search("cuant ordenador") == []  # only the last word is a prefix


def test_a_one_letter_last_word_is_not_a_prefix() -> None:
    assert build_query("rust 1") == '"rust" "1"'
    assert build_query("rust 1.8") == '"rust" "1" "8"'
    assert build_query("rust ab") == '"rust" "ab"*'


def test_every_word_is_required(index: SearchIndex) -> None:
    assert ids(index.search("informática bilbao")) == ["quantum"]
    assert index.search("informática lazycell") == []


@pytest.mark.parametrize(
    "query",
    ['"', "*", "AND", "OR", "NOT", "(", ")", "NEAR(a b)", "title:rust", "rust AND", '"rust',
     "^rust", "-rust", "+", "a:b:c", "{title body}: x", "\x00", "'; DROP TABLE docs; --", "",
     "   ", "rust*", "r\u0301ust"],
)  # fmt: skip
def test_fts_syntax_in_user_input_is_never_an_error(index: SearchIndex, query: str) -> None:
    index.search(query)
    assert len(index) == 3


def test_operators_in_user_input_are_plain_words(index: SearchIndex) -> None:
    index.add("ops", "NOT AND OR", "near", [], WHEN)
    assert ids(index.search("NOT AND")) == ["ops"]
    assert ids(index.search("title:rust")) == []  # "title" is a word, not a column filter
    assert ids(index.search("rust*")) == ["rust"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_safe_query(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.getbasetemp() / "hypothesis-search.sqlite"
    with SearchIndex(path) as ix:
        ix.search(text)
    assert build_query(text).count('"') % 2 == 0


def test_fold_matches_the_tokenizer() -> None:
    assert fold("Informática CUÁNTICA Ñandú") == "informatica cuantica nandu"


def test_adding_an_entry_again_replaces_it(index: SearchIndex) -> None:
    index.add("rust", "Go 1.23 released", "Iterators over functions.", ["lwn"], WHEN)
    assert index.search("lazycell") == []
    assert ids(index.search("iterators")) == ["rust"]
    assert len(index) == 3


def test_removed_entries_are_not_found(index: SearchIndex) -> None:
    index.remove("rust")
    index.remove("never-indexed")
    assert index.search("rust") == []
    assert "rust" not in index
    assert len(index) == 2


def test_search_can_be_restricted_to_a_feed(index: SearchIndex) -> None:
    assert ids(index.search("informatica", feed="genbeta")) == ["body-only"]
    assert ids(index.search("rust", feed="hn")) == ["rust"]
    assert index.search("rust", feed="xataka") == []


def test_limit_caps_the_hits(index: SearchIndex) -> None:
    index.add_many(Document(f"d{i}", f"Informática {i}", "texto", ("f",), i) for i in range(20))
    assert len(index.search("informatica", limit=5)) == 5
    assert index.search("informatica", limit=0) == []


def test_snippets_are_plain_single_lines(index: SearchIndex) -> None:
    index.add(
        "evil",
        "\x1b[31mRojo\x1b[0m",
        "Primera línea\nsegunda \x1b]8;;https://evil.example\x07enlace\x1b]8;;\x07 \u202eoculto\ttab",
        [],
        WHEN,
    )
    (hit,) = index.search("segunda")
    assert hit.title == "Rojo"
    assert "segunda" in hit.snippet
    assert all(c.isprintable() for c in hit.snippet + hit.title)
    assert "evil.example" not in hit.snippet


def test_snippet_shows_the_matching_passage_of_a_long_text(index: SearchIndex) -> None:
    text = " ".join(["relleno"] * 300 + ["El", "procesador", "RISC-V", "destaca"] + ["fin"] * 300)
    index.add("long", "Chips", text, [], WHEN)
    (hit,) = index.search("procesador")
    assert "procesador" in hit.snippet
    assert len(hit.snippet) < 300


def test_rebuild_indexes_every_stored_entry_with_its_article(tmp_path: Path) -> None:
    entries = [
        Entry(id="a", url="https://e.example/a", title="Informática", feeds=("f1",),
              published=WHEN, summary="resumen del feed"),
        Entry(id="b", url="https://e.example/b", title="Sin artículo", feeds=("f2",),
              published=WHEN, summary="solo el resumen menciona kubernetes"),
    ]  # fmt: skip
    article = Article(
        url="https://e.example/a",
        blocks=(Block("paragraph", "El texto extraído habla de criptografía."),),
    )
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        store.add_entries("f1", entries[:1], {"a": article})
        store.add_entries("f2", entries[1:], {})
        with SearchIndex.for_data_dir(store.data_dir) as ix:
            ix.add("stale", "Ya no existe", "", [], WHEN)
            assert ix.rebuild(store) == 2
            assert ids(ix.search("criptografia")) == ["a"]
            assert ids(ix.search("kubernetes", feed="f2")) == ["b"]
            assert "stale" not in ix
            assert ix.check() == []
        assert (store.data_dir / "search.sqlite").exists()


def test_index_uses_wal_so_readers_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILE
    with SearchIndex(path) as reader:
        reader.add("a", "Informática", "texto", [], WHEN)
        writer = sqlite3.connect(path, isolation_level=None)
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM docs")
        assert ids(reader.search("informatica")) == ["a"]  # the writer has not committed
        writer.execute("ROLLBACK")
        writer.close()


def test_a_second_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILE
    with SearchIndex(path) as first, SearchIndex(path) as second:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        done = threading.Event()

        def write() -> None:
            second.add("b", "Escrito", "después", [], WHEN)
            done.set()

        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(0.3)  # waiting on the lock, not failing with "database is locked"
        blocker.execute("COMMIT")
        blocker.close()
        thread.join(5)
        assert done.is_set()
        assert ids(first.search("escrito")) == ["b"]


def test_an_index_of_another_schema_version_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILE
    with SearchIndex(path) as ix:
        ix.add("a", "Informática", "", [], WHEN)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    db.close()
    with SearchIndex(path) as ix:
        assert len(ix) == 0
        assert ix.search("informatica") == []


def test_a_damaged_index_is_a_one_line_error_and_can_be_recreated(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILE
    path.write_bytes(b"this is not an sqlite database, it was overwritten" * 100)
    with pytest.raises(SearchIndexError, match=r"search\.sqlite: .*tui-reader doctor") as info:
        SearchIndex(path)
    assert "\n" not in str(info.value)
    with SearchIndex.recreate(path) as ix:
        ix.add("a", "Informática", "", [], WHEN)
        assert ids(ix.search("informatica")) == ["a"]
