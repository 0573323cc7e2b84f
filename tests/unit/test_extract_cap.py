"""An article longer than the block cap says that it was cut, rather than ending silently."""

from __future__ import annotations

from tui_reader.extract import extract_article


def test_an_article_of_7000_paragraphs_says_it_was_cut() -> None:
    paragraphs = "".join(
        f"<p>Párrafo {i} del artículo larguísimo, con texto suficiente para contar.</p>"
        for i in range(7000)
    )
    page = f"<html><head><title>Larguísimo</title></head><body><article>{paragraphs}</article></body></html>"
    article = extract_article(page, "https://example.com/largo")
    assert article.blocks, "extracted"
    last = article.blocks[-1].text
    assert last.startswith("[The article goes on: ") and "more blocks were not kept" in last
    assert len(article.blocks) <= 5001
