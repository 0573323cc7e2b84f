"""Brand names machine translation rendered as words: repaired only where the context says so,
the stored text untouched, `show` printing either form, users extending the glossary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.credits import original_url
from tui_reader.glossary import (
    Glossary,
    GlossaryError,
    default_glossary,
    load_glossary,
    repair_article,
    repair_text,
)
from tui_reader.models import Article, Block, Entry, Link, LinkRef
from tui_reader.paths import defaults_dir
from tui_reader.store import Store

FEED = "https://tecno.example/feed"


@pytest.fixture
def glossary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Glossary:
    monkeypatch.setenv("TUI_READER_CONFIG", str(tmp_path / "config.toml"))
    return default_glossary()


@pytest.mark.parametrize(
    ("language", "published", "repaired"),
    [
        ("es", "Activa Manzana iCloud hoy.", "Activa Apple iCloud hoy."),
        ("es", "Entra con tu ID de Manzana.", "Entra con tu ID de Apple."),
        ("es", "Lo dijo en Gorjeo ayer.", "Lo dijo en Twitter ayer."),
        ("es", "Usa Google Cromo o Ventanas 11.", "Usa Google Chrome o Windows 11."),
        (
            "es",
            "Come una manzana. Manzana es una fruta.",
            "Come una manzana. Manzana es una fruta.",
        ),
        ("es", "Gorjeo de los pájaros al alba.", "Gorjeo de los pájaros al alba."),
        ("es", "Abre las ventanas de casa.", "Abre las ventanas de casa."),
        ("it", "Ne parlano su Cinguettio da ieri.", "Ne parlano su Twitter da ieri."),
        ("de", "Microsoft bringt Fenster 11 heraus.", "Microsoft bringt Windows 11 heraus."),
        ("de", "Er öffnet das Fenster am Morgen.", "Er öffnet das Fenster am Morgen."),
        ("es-MX", "Lo dijo en Gorjeo ayer.", "Lo dijo en Twitter ayer."),
        ("", "Lo dijo en Gorjeo ayer.", "Lo dijo en Gorjeo ayer."),  # no language: no guess
    ],
)
def test_repaired_only_where_the_context_says_brand(
    glossary: Glossary, language: str, published: str, repaired: str
) -> None:
    assert repair_text(published, glossary.for_language(language))[0] == repaired


def test_link_offsets_follow_the_repaired_text(glossary: Glossary) -> None:
    text = "Según Gorjeo, la cuenta de Manzana iCloud cayó."
    anchor = text.index("la cuenta")
    block = Block("paragraph", text, links=(LinkRef(anchor, anchor + 9, 1),))
    article = Article(url="https://a.example/x", language="es", blocks=(block,))
    fixed = repair_article(article, glossary)
    new = fixed.article.blocks[0]
    assert new.text == "Según Twitter, la cuenta de Apple iCloud cayó."
    ref = new.links[0]
    assert new.text[ref.start : ref.end] == "la cuenta"
    assert [new.text[r.start : r.end] for r in fixed.repairs[0]] == ["Twitter", "Apple"]
    assert article.blocks[0].text == text  # the original object is untouched
    assert fixed.names() == [("Gorjeo", "Twitter"), ("Manzana", "Apple")]


def test_users_extend_and_override_the_shipped_glossary(tmp_path: Path) -> None:
    user = tmp_path / "glossary"
    user.mkdir()
    (user / "es.toml").write_text(
        '[[term]]\npublished = "Gorjeo"\nbrand = "X"\n\n'
        '[[term]]\npublished = "Borde"\nbrand = "Edge"\nproducts = ["Microsoft"]\n',
        encoding="utf-8",
    )
    (user / "nl.toml").write_text('[[term]]\npublished = "Ramen 11"\nbrand = "Windows 11"\n')
    glossary = load_glossary([defaults_dir() / "glossary", user])
    assert repair_text("Lo dijo en Gorjeo.", glossary.for_language("es"))[0] == "Lo dijo en X."
    assert repair_text("Abre Microsoft Borde.", glossary.for_language("es"))[0] == (
        "Abre Microsoft Edge."
    )
    assert repair_text("Ik heb Ramen 11.", glossary.for_language("nl"))[0] == "Ik heb Windows 11."
    assert glossary.query_forms("apple icloud")[:2] == ["apple icloud", "Apfel icloud"]


def test_a_broken_glossary_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "es.toml").write_text("[[term]]\npublished = 3\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"es.toml: term 1 needs `published` and `brand`"):
        load_glossary([tmp_path])


def test_the_original_is_the_credit_line_linking_another_site() -> None:
    blocks = (
        Block("paragraph", "Vía el blog del autor.", links=(LinkRef(7, 21, 1),)),
        Block("paragraph", "Texto."),
        Block("paragraph", "Fuente: The Verge", links=(LinkRef(8, 17, 2),)),
    )
    links = (
        Link(1, "blog", "https://mio.example/blog"),
        Link(2, "Verge", "https://verge.example/a"),
    )
    article = Article(url="https://mio.example/nota", blocks=blocks, links=links)
    assert original_url(article) == "https://verge.example/a"
    assert original_url(article, declared="https://src.example/b") == "https://src.example/b"
    assert original_url(Article(url="https://mio.example/n", blocks=blocks[1:2])) == ""


@pytest.fixture
def translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\ndata_dir = "{tmp_path / "data"}"\ncache_dir = "{tmp_path / "cache"}"\n'
        f'[[feeds]]\nurl = "{FEED}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TUI_READER_CONFIG", str(config))
    entry = Entry(
        id="t1",
        url="https://tecno.example/nota",
        title="Caída de Manzana iCloud",
        feeds=(FEED,),
        published=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        language="es",
    )
    article = Article(
        url=entry.url,
        title=entry.title,
        language="es",
        blocks=(
            Block("paragraph", "Los usuarios de Manzana iCloud protestan en Gorjeo."),
            Block("image", "El panel de estado", links=(LinkRef(0, 18, 1),)),
            Block("paragraph", "Fuente: Source", links=(LinkRef(8, 14, 2),)),
        ),
        links=(
            Link(1, "El panel de estado", "https://img.example/p.png"),
            Link(2, "Source", "https://source.example/a"),
        ),
    )
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        store.add_entries(FEED, [entry], {entry.id: article})
    return entry.id


def test_show_prints_repaired_text_unless_published(
    translated: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", translated]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Caída de Apple iCloud\n")
    assert "Los usuarios de Apple iCloud protestan en Twitter." in out
    assert "[image 1: El panel de estado][1]" in out
    assert "[1] https://img.example/p.png" in out
    assert "original https://source.example/a" in out
    assert "Repaired names (machine translation): Manzana -> Apple, Gorjeo -> Twitter" in out
    assert main(["show", translated, "--published"]) == 0
    out = capsys.readouterr().out
    assert "Los usuarios de Manzana iCloud protestan en Gorjeo." in out
    assert "Repaired names" not in out


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "translated-dev"


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/eval/translated-dev")
@pytest.mark.parametrize(
    ("page", "published", "brand"),
    [
        ("mundogadget-02", "Gorjeo", "Twitter"),
        ("tecnoflash-03", "Ventanas 11", "Windows 11"),
        ("portalnerd-01", "Janelas 11", "Windows 11"),
    ],
)
def test_the_dev_corpus_brand_names_are_repaired(
    glossary: Glossary, page: str, published: str, brand: str
) -> None:
    import gzip
    import json

    from tui_reader.extract import extract_article

    meta = json.loads((SHARED / "ground-truth.json").read_text(encoding="utf-8"))[page]
    html = gzip.decompress((SHARED / "html" / f"{page}.html.gz").read_bytes())
    article = extract_article(html, meta["url"])
    assert published in article.title + article.text
    fixed = repair_article(article, glossary)
    assert brand in fixed.title and published not in fixed.title
    assert published not in fixed.article.text and brand in fixed.article.text
