"""A small store built from models with fixed dates: the reader's test and benchmark data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui_reader.config import Config, FeedConfig, ReaderConfig, StorageConfig
from tui_reader.models import Article, Block, Entry, FeedState, Link, LinkRef
from tui_reader.store import Store

BASE = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)
FETCHED = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)

BYTE = "https://elbyte.example/feed.xml"
CIENCIA = "https://cienciahoy.example/atom.xml"
NOTIZIE = "https://bitnotizie.example/rss"
AGGREGATOR = "https://agregador.example/rss"
BROKEN = "https://roto.example/feed"
BIT_NOTIZIE_KEY = NOTIZIE

FEEDS = (
    FeedConfig(url=BYTE, title="El Byte", tags=("es",)),
    FeedConfig(url=CIENCIA, title="Ciência Hoje", tags=("pt",)),
    FeedConfig(url=NOTIZIE, title="Bit Notizie", tags=("it",)),
    FeedConfig(url=AGGREGATOR, title="Agregador", tags=("es",)),
    FeedConfig(url=BROKEN, title="Roto", tags=("es",)),
)


def article_for(url: str, title: str) -> Article:
    para = (
        "La nueva versión del núcleo llega con mejoras en el planificador y en el consumo "
        "de energía, según explica el equipo en su anuncio oficial."
    )
    anchor = "anuncio oficial"
    start = para.index(anchor)
    intro = "Los detalles están en la documentación y en el repositorio del proyecto."
    doc_start = intro.index("documentación")
    repo_start = intro.index("repositorio")
    return Article(
        url=url,
        title=title,
        author="Ana Pérez",
        published=BASE,
        site_name="El Byte",
        language="es",
        source="page",
        blocks=(
            Block("paragraph", para, links=(LinkRef(start, start + len(anchor), 1),)),
            Block(
                "paragraph",
                intro,
                links=(
                    LinkRef(doc_start, doc_start + len("documentación"), 2),
                    LinkRef(repo_start, repo_start + len("repositorio"), 3),
                ),
            ),
            Block("heading", "Qué cambia [bold]de verdad[/bold]", level=2),
            Block(
                "quote",
                "Es la mayor reescritura del planificador en una década.",
                attribution="María López, mantenedora",
            ),
            Block("list", "Menos consumo en reposo\nArranque más rápido\nNuevos controladores"),
            Block("code", "$ uname -r\n6.9.0"),
        ),
        links=(
            Link(1, anchor, "https://elbyte.example/anuncio"),
            Link(2, "documentación", "https://docs.example/kernel"),
            Link(3, "repositorio", "javascript:alert(1)"),
        ),
    )


def sample_entries() -> list[tuple[str, Entry, Article | None]]:
    """(feed, entry, article): accented, emoji and right-to-left titles, a shared story."""
    titles = [
        (BYTE, "Linux 6.9 llega con un planificador más eficiente", True),
        (BYTE, "Así funciona la compresión [bold]sin pérdidas[/bold] 🚀", True),
        (CIENCIA, "Ciência: satélite português chega à órbita", False),
        (NOTIZIE, "Perché l'intelligenza artificiale consuma così tanta energia", True),
        (NOTIZIE, "مراجعة: هاتف جديد بشاشة قابلة للطي", False),
        (BYTE, "Guía: cómo elegir un teclado mecánico ⌨️", False),
        (CIENCIA, "Os melhores portáteis de 2024 para programar", True),
        (NOTIZIE, "Recensione: il nuovo router Wi-Fi 7 alla prova", False),
    ]
    out: list[tuple[str, Entry, Article | None]] = []
    for i, (feed, title, has_article) in enumerate(titles):
        url = f"https://{feed.split('/')[2]}/articulo-{i}"
        entry = Entry(
            id=f"e{i}",
            url=url,
            title=title,
            feeds=(feed,),
            published=BASE - timedelta(hours=3 * i),
            author="Ana Pérez",
            site={BYTE: "El Byte", CIENCIA: "Ciência Hoje", NOTIZIE: "Bit Notizie"}[feed],
            summary=f"Resumen de la noticia {i}. [red]no es markup[/red]",
            language={BYTE: "es", CIENCIA: "pt", NOTIZIE: "it"}[feed],
            has_article=has_article,
            fetched=FETCHED,
        )
        out.append((feed, entry, article_for(url, title) if has_article else None))
    # the first story also came through the aggregator: same id, one row
    first = out[0][1]
    out.append(
        (
            AGGREGATOR,
            replace(first, feeds=(AGGREGATOR,), via=("https://agregador.example/go/1",)),
            None,
        )
    )
    return out


def make_config(tmp: Path, **reader: object) -> Config:
    storage = StorageConfig(data_dir=tmp / "data", cache_dir=tmp / "cache")
    return Config(
        storage=storage,
        reader=ReaderConfig(**reader),  # type: ignore[arg-type]
        feeds=FEEDS,
    )


def build_store(config: Config) -> Store:
    store = Store(config.storage.data_dir, config.storage.cache_dir)
    for feed, entry, article in sample_entries():
        store.add_entries(feed, [entry], {entry.id: article} if article else {})
    store.put_feed_state(
        FeedState(key=BROKEN, url=BROKEN, status="error", error="HTTP 500", last_fetch=FETCHED)
    )
    for feed in (BYTE, CIENCIA, NOTIZIE, AGGREGATOR):
        store.put_feed_state(FeedState(key=feed, url=feed, status="ok", last_fetch=FETCHED))
    store.set_read(["e3"])
    return store


def add_many(store: Store, feed: str, count: int) -> None:
    """`count` synthetic entries in one feed (for the 50,000-row tests)."""
    entries = [
        Entry(
            id=f"bulk{i}",
            url=f"https://elbyte.example/bulk/{i}",
            title=f"Entrada número {i} del archivo",
            feeds=(feed,),
            published=BASE - timedelta(days=1, minutes=i),
            site="El Byte",
            fetched=FETCHED,
        )
        for i in range(count)
    ]
    store.add_entries(feed, entries, {})
