"""Images in feed content become numbered image blocks (alt text, URL in the link list), not
silence; tracking pixels and data: URLs do not."""

from __future__ import annotations

from tui_reader.extract import extract_article
from tui_reader.render import article_text

CONTENT = """
<p>El nuevo panel llega hoy a todos los usuarios, según la empresa, con cambios grandes.</p>
<figure><img src="/img/panel.jpg" alt="El nuevo panel de control" width="800">
<figcaption>El panel, en su versión de escritorio.</figcaption></figure>
<p>También cambia la app móvil, que ahora muestra el mismo resumen en la primera pantalla.
<a href="https://otro.example/x"><img src="https://cdn.example/icons/share%20it.png"></a></p>
<p>Un párrafo más con texto suficiente para que sea un artículo de verdad y no un resumen.</p>
<img src="https://feeds.example/pixel.gif" width="1" height="1">
<img src="data:image/gif;base64,R0lGOD">
"""


def test_feed_content_keeps_images_as_numbered_blocks() -> None:
    article = extract_article(CONTENT, "https://mio.example/nota", source="feed")
    images = [b for b in article.blocks if b.kind == "image"]
    assert [b.text for b in images] == ["El nuevo panel de control", "share it.png"]
    hrefs = {link.number: link.href for link in article.links}
    assert [hrefs[b.links[0].number] for b in images] == [
        "https://mio.example/img/panel.jpg",
        "https://cdn.example/icons/share%20it.png",
    ]
    kinds = [b.kind for b in article.blocks]
    assert kinds.index("image") == 1 and "caption" in kinds
    assert "pixel.gif" not in str(article.links) and "data:" not in str(article.links)
    assert "El nuevo panel de control" not in article.text  # alt text is not article text
    shown = article_text(article)
    assert "[image 1: El nuevo panel de control][1]" in shown
    assert "[1] https://mio.example/img/panel.jpg" in shown
