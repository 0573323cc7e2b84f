"""The original article a translated story credits ("Fuente: …", "Vía …", "Quelle: …").

Translated sites usually end with a credit line linking the article they translated. The reader
shows that link in the header as the original (`O` opens it, `Y` copies it), and `show` prints it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tui_reader.models import Article, Block

# A credit label at the start of a block: "Fuente:", "Vía", "Fonte:", "Quelle:", "Source:" …
_CREDIT = re.compile(
    r"^\s*(?:fuente|fuentes|v[ií]a|fonte|fontes|quelle|quellen|source|sources|origine|"
    r"original|artículo original|articolo originale|originalartikel|via)\b\s*[:：]?",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MAX_CREDIT_CHARS = 300  # a credit is a line, not a paragraph that happens to start "Vía"


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _credit_urls(block: Block, hrefs: dict[int, str]) -> list[str]:
    urls = [hrefs[ref.number] for ref in block.links if ref.number in hrefs]
    return urls + _URL.findall(block.text)


def foreign_canonical(canonical: str, url: str) -> str:
    """A page's canonical link if it names another site (a translation pointing at its
    source), else "" (the usual canonical is the page itself)."""
    if not canonical.startswith(("http://", "https://")) or not url:
        return ""
    other = _host(canonical)
    return canonical if other and other != _host(url) else ""


def original_url(article: Article | None, url: str = "", declared: str = "") -> str:
    """The URL of the article this one credits as its source, on another site; "" if none.

    `declared` is what the feed or page itself said (a feed `<source>`, a canonical link): used
    when it points to another site. Otherwise the last credit line of the body that links out.
    """
    own = _host(url or (article.url if article else ""))
    for said in (declared, article.canonical if article else ""):
        if said and _host(said) and _host(said) != own:
            return said
    if article is None:
        return ""
    hrefs = {link.number: link.href for link in article.links}
    for block in reversed(article.blocks):
        if len(block.text) > _MAX_CREDIT_CHARS or not _CREDIT.match(block.text):
            continue
        for candidate in _credit_urls(block, hrefs):
            if candidate.startswith(("http://", "https://")) and _host(candidate) != own:
                return candidate
    return ""
