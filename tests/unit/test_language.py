"""Language labels follow the text when it plainly contradicts the feed's declaration."""

from __future__ import annotations

from collections.abc import Callable

from feedserver import CountingExecutor, FeedServer, Route

from tui_reader.config import Config, FeedConfig
from tui_reader.language import contradicts
from tui_reader.pipeline import update
from tui_reader.store import Store

PT = (
    "A nova versão do núcleo chega com melhorias no agendador e no consumo de energia dos "
    "portáteis, segundo explica a equipa no seu anúncio. É uma das versões com mais mudanças "
    "dos últimos anos, e os detalhes estão na documentação do projeto."
)
DE = (
    "Die neue Version des Kerns bringt Verbesserungen für den Planer und den Stromverbrauch "
    "der Laptops, wie das Team in der Ankündigung erklärt. Es ist eine der Versionen mit den "
    "meisten Änderungen und die Details sind in der Dokumentation."
)


def test_contradicts_only_a_plainly_wrong_declaration() -> None:
    assert contradicts(PT, "de") == "pt"
    assert contradicts(DE, "de") == ""
    assert contradicts(PT, "pt") == ""
    assert contradicts(PT, "gl") == "", "a language the word lists do not know stands"
    assert contradicts("Linux 6.9", "de") == "", "too few words to say"


async def test_a_feed_declaring_german_with_portuguese_articles_labels_them_pt(
    feedserver: FeedServer,
    store: Store,
    make_config: Callable[..., Config],
    counting_executor: CountingExecutor,
) -> None:
    def item(n: int, title: str, text: str, whole: bool) -> str:
        content = f"<content:encoded><![CDATA[<p>{text}</p><p>{text}</p>]]></content:encoded>"
        return (
            f"<item><title>{title}</title><link>{feedserver.url(f'/a/{n}')}</link>"
            f"<pubDate>Mon, 06 May 2024 09:0{n}:00 +0000</pubDate>"
            f"<description>{text}</description>{content if whole else ''}</item>"
        )

    body = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Site</title>'
        f"<link>{feedserver.url('/')}</link><language>de-DE</language>"
        + item(1, "Nova versão do núcleo", PT, True)
        + item(2, "Os detalhes da versão", PT, False)
        + item(3, "Neue Version des Kerns", DE, True)
        + "</channel></rss>"
    )
    feedserver.add("/feed", Route(body=body.encode()))
    feed = FeedConfig(url=feedserver.url("/feed"))
    await update(make_config([feed]), store, fulltext=False, executor=counting_executor)
    labels = {row.title: row.language for row in store.rows(feed.url)}
    assert labels == {
        "Nova versão do núcleo": "pt",
        "Os detalhes da versão": "pt",
        "Neue Version des Kerns": "de",
    }
