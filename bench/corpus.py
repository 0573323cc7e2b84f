"""A synthetic, deterministic corpus of Spanish-language tech-news feeds and article pages.

N sites, one feed each (RSS 2.0 and Atom alternating, laid out as WordPress writes them), M items
per feed. A share of the feeds carry the whole article in `content:encoded` (Atom: `content`);
the others carry a short summary only, so a full-text fetch has to get the page. Pages look like
real news pages: inline CSS and JS, header, nav, breadcrumbs, share bars, a "Recomendado:" box, a
quote with its author, in-text links, tags, an author box, related posts, comments, a sidebar and
a footer; 800-1500 words of article, 60-100 KB in all.

Everything is a pure function of (seed, site index, item index), so a page can be rebuilt on
demand and two runs with the same seed serve the same bytes. Each site lives on its own loopback
address (127.0.0.10, 127.0.0.11, ...); the port is given when the corpus is built.

    python bench/corpus.py --feeds 5 --items 4 --out /tmp/corpus   # write it out to look at
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

GZIP_LEVEL = 6

COMPANIES = [
    "Apple", "Google", "Samsung", "Xiaomi", "Microsoft", "Meta", "Nvidia", "AMD", "Intel",
    "OpenAI", "Huawei", "Sony", "Nintendo", "Tesla", "Amazon", "Telefónica", "Qualcomm",
    "Netflix", "Oppo", "Motorola", "Lenovo", "Valve", "Anthropic", "Mistral", "Vodafone",
]  # fmt: skip
PRODUCTS = [
    "el iPhone 17", "el Galaxy S26", "el Pixel 10", "Windows 12", "Android 16", "ChatGPT",
    "la PlayStation 6", "la Switch 2", "Copilot", "el Model Y", "WhatsApp", "Chrome", "macOS",
    "su nuevo procesador", "su asistente de voz", "la fibra de 10 Gbps", "su gafa de realidad mixta",
    "el Steam Deck 2", "su modelo de lenguaje", "la tarjeta gráfica RTX 6090", "el reloj inteligente",
    "su plan de suscripción", "el coche eléctrico", "la batería de estado sólido", "Gemini",
]  # fmt: skip
VERBS = [
    "presenta", "anuncia", "lanza", "retrasa", "actualiza", "confirma", "filtra sin querer",
    "cancela", "mejora", "rediseña", "sube el precio de", "abarata", "pone a prueba",
]  # fmt: skip
TAILS = [
    "esto es todo lo que sabemos", "llega a España en otoño", "y los usuarios no están contentos",
    "así funciona por dentro", "la Comisión Europea quiere respuestas", "lo hemos probado",
    "precio, fecha de lanzamiento y características", "el cambio más importante en años",
    "estas son sus novedades", "qué significa para ti", "la letra pequeña importa",
]  # fmt: skip
SUBJECTS = [
    "La compañía", "El fabricante", "Según fuentes cercanas, la empresa", "Su director ejecutivo",
    "El equipo de ingeniería", "Un portavoz", "La filtración", "El documento interno",
    "La actualización", "El nuevo modelo", "La competencia", "El mercado europeo",
    "Un grupo de investigadores", "La comunidad de desarrolladores", "El regulador",
]  # fmt: skip
PREDICATES = [
    "ha confirmado que el despliegue comenzará en las próximas semanas",
    "asegura que la autonomía mejora un treinta por ciento respecto a la generación anterior",
    "no ha querido dar detalles sobre el precio final en Europa",
    "insiste en que la privacidad de los usuarios sigue siendo la prioridad",
    "reconoce que la escasez de chips ha retrasado la producción",
    "prepara una versión más barata para mercados emergentes",
    "ha publicado una guía para migrar las aplicaciones existentes",
    "apunta a que el rendimiento en juegos será muy superior",
    "explica que el modelo se entrenó con datos públicos y licenciados",
    "ha tenido que retirar una actualización por problemas de estabilidad",
    "calcula que más de cien millones de dispositivos recibirán la novedad",
    "llevaba meses probando la función con un grupo reducido de usuarios",
    "quiere competir directamente con los servicios de sus rivales",
    "considera que la inteligencia artificial cambiará la forma en la que trabajamos",
    "ha abierto una investigación para aclarar lo sucedido",
    "promete soporte de actualizaciones durante siete años",
    "ha reducido el consumo energético gracias al nuevo proceso de fabricación de tres nanómetros",
    "no descarta llevar la tecnología a otros productos de su catálogo",
]  # fmt: skip
CONNECTORS = [
    "Además,", "Sin embargo,", "Por otro lado,", "En cualquier caso,", "De hecho,", "Mientras tanto,",
    "Por su parte,", "A pesar de ello,", "En la práctica,", "Como era de esperar,", "",
]  # fmt: skip
HEADINGS = [
    "Qué cambia", "Precio y disponibilidad", "Lo que no nos ha gustado", "Cómo funciona",
    "La letra pequeña", "Especificaciones", "Qué dicen los expertos", "El contexto", "Conclusiones",
]  # fmt: skip
CATEGORIES = [
    "Móviles", "Inteligencia artificial", "Hardware", "Software", "Videojuegos", "Ciencia",
    "Seguridad", "Motor", "Criptomonedas", "Fotografía", "Audio", "Domótica", "Empresas", "Ofertas",
]  # fmt: skip
FIRST = ["Lucía", "Javier", "Marta", "Carlos", "Elena", "Pablo", "Sara", "Diego", "Laura", "Álvaro"]
LAST = ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz", "Díaz"]
SITE_A = ["Tecno", "Xata", "Genb", "Hiper", "Byte", "Chip", "Red", "Pixel", "Nube", "Giga", "Clic"]
SITE_B = ["mundo", "diario", "hoy", "zona", "lab", "news", "punto", "pedia", "blog", "mania"]
SHARE = ["Facebook", "Twitter", "WhatsApp", "LinkedIn", "Telegram", "Reddit", "Email"]


def site_address(index: int) -> str:
    """The loopback address of site `index`: 127.0.0.10, 127.0.0.11, ... (skipping .0 and .255)."""
    n = 10 + index
    third, last = divmod(n - 1, 254)
    second, third = divmod(third, 256)
    if second > 255:
        raise ValueError("too many sites for 127.0.0.0/8")
    return f"127.{second}.{third}.{last + 1}"


@dataclass(frozen=True, slots=True)
class Resource:
    """One servable document: the gzipped body (kept compressed to save memory) and validators."""

    gz: bytes
    content_type: str
    etag: str
    last_modified: str
    kind: str  # "feed" or "page"
    size: int

    def body(self) -> bytes:
        return gzip.decompress(self.gz)


def make_resource(body: bytes, content_type: str, kind: str, modified: datetime) -> Resource:
    digest = hashlib.sha1(body).hexdigest()[:20]
    return Resource(
        gz=gzip.compress(body, GZIP_LEVEL, mtime=0),
        content_type=content_type,
        etag=f'"{digest}"',
        last_modified=format_datetime(modified, usegmt=True),
        kind=kind,
        size=len(body),
    )


@dataclass(frozen=True, slots=True)
class Item:
    site: int
    index: int
    title: str
    url: str
    path: str
    author: str
    category: str
    published: datetime
    post_id: int


@dataclass
class Site:
    index: int
    address: str
    base: str
    name: str
    fmt: str  # "rss" or "atom"
    full: bool
    feed_path: str
    items: list[Item] = field(default_factory=list)

    @property
    def feed_url(self) -> str:
        return self.base + self.feed_path


class Corpus:
    """The sites, their feeds (built eagerly) and their pages (built on demand, cached)."""

    def __init__(
        self,
        feeds: int,
        items: int,
        *,
        full_share: float = 0.5,
        seed: int = 1,
        port: int = 80,
        now: datetime | None = None,
    ) -> None:
        self.seed = seed
        self.port = port
        # Dates hang from today (UTC midnight): deterministic within a day, never older than
        # the store's retention, so a fetch keeps every entry.
        today = (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
        self.now = today
        rng = random.Random(f"corpus:{seed}")
        full_count = round(feeds * full_share)
        full_set = set(rng.sample(range(feeds), full_count)) if feeds else set()
        self.sites: list[Site] = []
        self._titles: set[str] = set()
        for i in range(feeds):
            address = site_address(i)
            fmt = "rss" if i % 2 == 0 else "atom"
            name = f"{SITE_A[i % len(SITE_A)]}{SITE_B[(i // len(SITE_A)) % len(SITE_B)]}"
            if i >= len(SITE_A) * len(SITE_B):
                name += f" {i}"
            site = Site(
                index=i,
                address=address,
                base=f"http://{address}:{port}",
                name=name,
                fmt=fmt,
                full=i in full_set,
                feed_path="/feed/" if fmt == "rss" else "/feed/atom/",
            )
            site.items = [self._item(site, j) for j in range(items)]
            self.sites.append(site)
        self._feeds: dict[tuple[str, str], Resource] = {}
        for site in self.sites:
            body = self.feed_xml(site).encode("utf-8")
            kind = "application/rss+xml" if site.fmt == "rss" else "application/atom+xml"
            self._feeds[(site.address, site.feed_path)] = make_resource(
                body, f"{kind}; charset=UTF-8", "feed", today
            )
        self._pages: dict[tuple[str, str], Resource] = {}
        self._items = {(s.address, it.path): it for s in self.sites for it in s.items}
        self._site_chrome: dict[int, tuple[str, str, str]] = {}

    # -- items ------------------------------------------------------------------------------

    def _item(self, site: Site, j: int) -> Item:
        rng = random.Random(f"item:{self.seed}:{site.index}:{j}")
        # Every title differs: a reader dedupes one story told by several feeds by its title.
        for _attempt in range(50):
            title = (
                f"{rng.choice(COMPANIES)} {rng.choice(VERBS)} {rng.choice(PRODUCTS)}: "
                f"{rng.choice(TAILS)}"
            )
            if title.casefold() not in self._titles:
                break
        else:
            title = f"{title} ({site.index}-{j})"
        self._titles.add(title.casefold())
        published = self.now - timedelta(minutes=37 * j + 11 * site.index + rng.randrange(30))
        slug = _slug(title)[:60].strip("-")
        path = f"/{published:%Y/%m}/{slug}-{j}/"
        return Item(
            site=site.index,
            index=j,
            title=title,
            url=site.base + path,
            path=path,
            author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            category=rng.choice(CATEGORIES),
            published=published,
            post_id=100_000 + site.index * 1000 + j,
        )

    def items(self) -> Iterator[tuple[Site, Item]]:
        for site in self.sites:
            for item in site.items:
                yield site, item

    def pages_needing_extraction(self) -> list[tuple[Site, Item]]:
        """Items of the summary-only feeds: a full-text fetch must get and extract their page."""
        return [(s, it) for s, it in self.items() if not s.full]

    # -- serving ----------------------------------------------------------------------------

    def feeds(self) -> list[Site]:
        return list(self.sites)

    def lookup(self, address: str, path: str) -> Resource | None:
        """The resource at `path` on the site at `address`, building (and caching) a page."""
        res = self._feeds.get((address, path))
        if res is not None:
            return res
        res = self._pages.get((address, path))
        if res is not None:
            return res
        item = self._items.get((address, path))
        if item is None:
            return None
        site = self.sites[item.site]
        body = self.page_html(site, item).encode("utf-8")
        res = make_resource(body, "text/html; charset=UTF-8", "page", item.published)
        self._pages[(address, path)] = res
        return res

    def prebuild_pages(self, only_needed: bool = True) -> int:
        """Build the pages a full-text fetch will ask for, before anything is timed."""
        count = 0
        targets = self.pages_needing_extraction() if only_needed else list(self.items())
        for site, item in targets:
            if self.lookup(site.address, item.path) is not None:
                count += 1
        return count

    def page_bytes(self, site: Site, item: Item) -> bytes:
        res = self.lookup(site.address, item.path)
        assert res is not None
        return res.body()

    def feed_bytes(self, site: Site) -> bytes:
        return self._feeds[(site.address, site.feed_path)].body()

    # -- article body -----------------------------------------------------------------------

    def _related(self, rng: random.Random, site: Site, n: int) -> list[Item]:
        others = [it for it in site.items]
        if not others:
            return []
        return [rng.choice(others) for _ in range(n)]

    def body_html(self, site: Site, item: Item) -> str:
        """The article as the CMS stores it: what `content:encoded` carries and the page shows."""
        rng = random.Random(f"body:{self.seed}:{site.index}:{item.index}")
        target_words = rng.randint(740, 1280)
        words = 0
        parts: list[str] = []
        paragraph_no = 0
        quote_at = rng.randint(3, 5)
        recommended_at = rng.randint(6, 8)
        list_at = rng.randint(9, 11)
        while words < target_words:
            if paragraph_no and paragraph_no % 4 == 0:
                parts.append(f"<h2>{escape(rng.choice(HEADINGS))}</h2>")
            sentences = []
            for _ in range(rng.randint(3, 6)):
                sentence = _sentence(rng)
                if rng.random() < 0.25:
                    sentence = _with_link(rng, sentence, site, item)
                sentences.append(sentence)
            text = " ".join(sentences)
            words += text.count(" ") + 1
            parts.append(f"<p>{text}</p>")
            paragraph_no += 1
            if paragraph_no == quote_at:
                who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                quote = escape(_sentence(rng)[:-1]) + ", y eso lo cambia todo."
                parts.append(
                    '<blockquote class="wp-block-quote"><p>'
                    f"«{quote}»</p><cite>{who}, portavoz de {rng.choice(COMPANIES)}</cite>"
                    "</blockquote>"
                )
            if paragraph_no == recommended_at:
                rel = self._related(rng, site, 1)
                if rel:
                    parts.append(
                        '<div class="recomendado"><p><strong>Recomendado:</strong> '
                        f'<a href="{rel[0].url}">{escape(rel[0].title)}</a></p></div>'
                    )
            if paragraph_no == list_at:
                lis = "".join(f"<li>{escape(_sentence(rng))}</li>" for _ in range(4))
                parts.append(f"<ul>{lis}</ul>")
        rel = self._related(rng, site, 1)
        if rel:
            parts.append(
                f'<p><em>Lee también: <a href="{rel[0].url}">{escape(rel[0].title)}</a></em></p>'
            )
        return "\n".join(parts)

    def summary(self, site: Site, item: Item) -> str:
        rng = random.Random(f"summary:{self.seed}:{site.index}:{item.index}")
        text = " ".join(_sentence(rng) for _ in range(3))
        return (
            f'<p>{escape(text)} [&#8230;]</p>\n<p>La entrada <a href="{item.url}">'
            f'{escape(item.title)}</a> se publicó primero en <a href="{site.base}/">'
            f"{escape(site.name)}</a>.</p>"
        )

    # -- feeds ------------------------------------------------------------------------------

    def feed_xml(self, site: Site) -> str:
        return self._rss(site) if site.fmt == "rss" else self._atom(site)

    def _rss(self, site: Site) -> str:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
            '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n>\n<channel>\n'
            f"\t<title>{escape(site.name)}</title>\n"
            f'\t<atom:link href="{site.feed_url}" rel="self" type="application/rss+xml" />\n'
            f"\t<link>{site.base}/</link>\n"
            "\t<description>Noticias de tecnología, ciencia y cultura digital</description>\n"
            f"\t<lastBuildDate>{format_datetime(self.now, usegmt=True)}</lastBuildDate>\n"
            "\t<language>es</language>\n\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
            "\t<sy:updateFrequency>1</sy:updateFrequency>\n"
            "\t<generator>https://wordpress.org/?v=6.5.2</generator>\n"
        ]
        for item in site.items:
            content = self.body_html(site, item) if site.full else ""
            summary = self.summary(site, item)
            out.append(
                "\t<item>\n"
                f"\t\t<title>{escape(item.title)}</title>\n"
                f"\t\t<link>{item.url}</link>\n"
                f"\t\t<comments>{item.url}#respond</comments>\n"
                f"\t\t<dc:creator><![CDATA[{item.author}]]></dc:creator>\n"
                f"\t\t<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>\n"
                f"\t\t<category><![CDATA[{item.category}]]></category>\n"
                f'\t\t<guid isPermaLink="false">{site.base}/?p={item.post_id}</guid>\n'
                f"\t\t<description><![CDATA[{summary}]]></description>\n"
                + (
                    f"\t\t<content:encoded><![CDATA[{content}]]></content:encoded>\n"
                    if content
                    else ""
                )
                + f"\t\t<wfw:commentRss>{item.url}feed/</wfw:commentRss>\n"
                f"\t\t<slash:comments>{item.post_id % 17}</slash:comments>\n"
                "\t</item>\n"
            )
        out.append("</channel>\n</rss>\n")
        return "".join(out)

    def _atom(self, site: Site) -> str:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="es">\n'
            f'\t<title type="text">{escape(site.name)}</title>\n'
            '\t<subtitle type="text">Noticias de tecnología, ciencia y cultura digital</subtitle>\n'
            f"\t<updated>{self.now.isoformat()}</updated>\n"
            f'\t<link rel="alternate" type="text/html" href="{site.base}/" />\n'
            f"\t<id>{site.feed_url}</id>\n"
            f'\t<link rel="self" type="application/atom+xml" href="{site.feed_url}" />\n'
            '\t<generator uri="https://wordpress.org/" version="6.5.2">WordPress</generator>\n'
        ]
        for item in site.items:
            summary = self.summary(site, item)
            content = self.body_html(site, item) if site.full else ""
            out.append(
                "\t<entry>\n"
                f"\t\t<author><name>{escape(item.author)}</name></author>\n"
                f'\t\t<title type="html"><![CDATA[{item.title}]]></title>\n'
                f'\t\t<link rel="alternate" type="text/html" href="{item.url}" />\n'
                f"\t\t<id>{site.base}/?p={item.post_id}</id>\n"
                f"\t\t<updated>{item.published.isoformat()}</updated>\n"
                f"\t\t<published>{item.published.isoformat()}</published>\n"
                f'\t\t<category scheme="{site.base}/" term="{escape(item.category)}" />\n'
                f'\t\t<summary type="html"><![CDATA[{summary}]]></summary>\n'
                + (
                    f'\t\t<content type="html" xml:base="{item.url}"><![CDATA[{content}]]></content>\n'
                    if content
                    else ""
                )
                + f'\t\t<link rel="replies" type="text/html" href="{item.url}#comments" '
                f'thr:count="{item.post_id % 17}" />\n'
                "\t</entry>\n"
            )
        out.append("</feed>\n")
        return "".join(out)

    # -- pages ------------------------------------------------------------------------------

    def _chrome(self, site: Site) -> tuple[str, str, str]:
        """The per-site head (CSS, inline JS), header/nav and footer: the same on every page."""
        cached = self._site_chrome.get(site.index)
        if cached is not None:
            return cached
        rng = random.Random(f"chrome:{self.seed}:{site.index}")
        css_rules = []
        for k in range(rng.randint(30, 150)):
            cls = f".{rng.choice(['c', 'wp', 'td', 'jeg', 'elementor'])}-{rng.randrange(10**6):x}"
            css_rules.append(
                f"{cls}{{margin:{rng.randrange(40)}px {rng.randrange(40)}px;"
                f"color:#{rng.randrange(16**6):06x};font-size:{rng.randrange(10, 40)}px;"
                f"line-height:{rng.randrange(10, 20) / 10};display:{rng.choice(['flex', 'block', 'grid'])}}}"
                f"@media (max-width:{600 + k % 5 * 120}px){{{cls}{{padding:{rng.randrange(30)}px}}}}"
            )
        js_lines = []
        for k in range(rng.randint(40, 90)):
            js_lines.append(
                f"window.__cfg_{k}={{id:'{rng.randrange(16**8):08x}',slot:'div-gpt-ad-{rng.randrange(10**9)}',"
                f"sizes:[[{rng.choice([300, 728, 970])},{rng.choice([90, 250, 600])}]],"
                f"targeting:{{seccion:'{rng.choice(CATEGORIES)}',pos:{k % 7}}}}};"
            )
        head = (
            f"<style id='theme-inline-css'>{''.join(css_rules)}</style>\n"
            f"<script>{chr(10).join(js_lines)}\n"
            "(function(w,d){var s=d.createElement('script');s.async=1;"
            "s.src='/wp-content/plugins/analytics/tag.js';d.head.appendChild(s);})(window,document);"
            "</script>\n"
        )
        nav = "".join(
            f'<li class="menu-item"><a href="{site.base}/categoria/{_slug(c)}/">{escape(c)}</a>'
            f'<ul class="sub-menu">'
            + "".join(
                f'<li><a href="{site.base}/tag/{_slug(p)}/">{escape(p)}</a></li>'
                for p in rng.sample(PRODUCTS, 4)
            )
            + '</ul><div class="mega-menu"><div class="mega-row">'
            + "".join(
                f'<div class="mega-card"><div class="thumb"><a href="{site.base}/{_slug(t)}/">'
                f'<img src="/wp-content/uploads/m{k}.jpg" alt=""></a></div><div class="meta">'
                f'<span class="cat">{escape(c)}</span><h4><a href="{site.base}/{_slug(t)}/">'
                f"{escape(t.capitalize())}</a></h4></div></div>"
                for k, t in enumerate(rng.sample(TAILS, 4))
            )
            + "</div></div></li>"
            for c in CATEGORIES
        )
        header = (
            '<div id="cookie-notice" role="dialog"><p>Utilizamos cookies propias y de terceros '
            "para mejorar tu experiencia y mostrarte publicidad relacionada con tus preferencias."
            '</p><button class="accept">Aceptar</button><button>Configurar</button></div>\n'
            '<header id="masthead" class="site-header"><div class="top-bar"><ul>'
            '<li><a href="/contacto/">Contacto</a></li><li><a href="/publicidad/">Publicidad</a>'
            '</li><li><a href="/newsletter/">Newsletter</a></li></ul></div>'
            f'<div class="site-branding"><a href="{site.base}/" rel="home" class="logo">'
            f'{escape(site.name)}</a><p class="site-description">Tecnología que importa</p>'
            '</div><nav id="site-navigation" class="main-navigation" aria-label="Menú principal">'
            f'<ul id="primary-menu" class="menu">{nav}</ul></nav>'
            '<form role="search" class="search-form" action="/"><input type="search" name="s" '
            'placeholder="Buscar…"><button>Buscar</button></form></header>\n'
        )
        footer_cols = "".join(
            '<div class="footer-col"><h4>'
            + escape(rng.choice(CATEGORIES))
            + "</h4><ul>"
            + "".join(
                f'<li><a href="{site.base}/{_slug(t)}/">{escape(t.capitalize())}</a></li>'
                for t in rng.sample(TAILS, 8)
            )
            + "</ul></div>"
            for _ in range(4)
        )
        footer = (
            f'<footer id="colophon" class="site-footer">{footer_cols}'
            '<div class="social">Síguenos en <a href="https://twitter.com/">Twitter</a>, '
            '<a href="https://facebook.com/">Facebook</a>, <a href="https://instagram.com/">'
            'Instagram</a> y <a href="https://youtube.com/">YouTube</a></div>'
            f'<p class="copyright">© 2025 {escape(site.name)}. Todos los derechos reservados. '
            '<a href="/aviso-legal/">Aviso legal</a> · <a href="/privacidad/">Privacidad</a> · '
            '<a href="/cookies/">Cookies</a></p></footer>\n'
            "<script>" + "\n".join(js_lines[:40]) + "</script>\n"
        )
        chrome = (head, header, footer)
        self._site_chrome[site.index] = chrome
        return chrome

    def page_html(self, site: Site, item: Item) -> str:
        head, header, footer = self._chrome(site)
        rng = random.Random(f"page:{self.seed}:{site.index}:{item.index}")
        body = self.body_html(site, item)
        share = "".join(
            f'<a class="share-{s.lower()}" href="https://share.example/{s.lower()}?u={item.url}" '
            f'rel="nofollow noopener" target="_blank">{s}</a>'
            for s in SHARE
        )
        related = "".join(
            f'<article class="related-post"><a href="{r.url}"><img src="/wp-content/uploads/'
            f'{r.post_id}-300x169.jpg" alt="" loading="lazy"><h3>{escape(r.title)}</h3></a></article>'
            for r in self._related(rng, site, 6)
        )
        comments = "".join(
            f'<li class="comment"><div class="comment-body"><div class="comment-meta"><div '
            f'class="comment-author vcard"><img class="avatar" src="/avatar/{rng.randrange(999)}.png"'
            f' alt=""><b class="fn">{rng.choice(FIRST)}{rng.randrange(100)}</b></div></div>'
            f"<time>{item.published:%d/%m/%Y} a las "
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}</time><p>{escape(_sentence(rng))} "
            f'{escape(_sentence(rng))}</p><div class="reply"><a href="#respond">Responder</a>'
            "</div></div></li>"
            for _ in range(rng.randint(4, 14))
        )
        most_read = "".join(
            f'<li><a href="{r.url}">{escape(r.title)}</a></li>'
            for r in self._related(rng, site, 10)
        )
        latest = "".join(
            f'<li><a href="{r.url}">{escape(r.title)}</a><span class="date">'
            f"{r.published:%d/%m/%Y}</span></li>"
            for r in self._related(rng, site, 10)
        )
        tags = ", ".join(
            f'<a href="{site.base}/tag/{_slug(t)}/" rel="tag">{escape(t)}</a>'
            for t in rng.sample(PRODUCTS, 4)
        )
        json_ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": item.title,
                "datePublished": item.published.isoformat(),
                "author": {"@type": "Person", "name": item.author},
                "publisher": {"@type": "Organization", "name": site.name},
                "mainEntityOfPage": item.url,
                "inLanguage": "es-ES",
            },
            ensure_ascii=False,
        )
        title = escape(item.title)
        return (
            '<!DOCTYPE html>\n<html lang="es-ES" prefix="og: https://ogp.me/ns#">\n<head>\n'
            '<meta charset="UTF-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title} | {escape(site.name)}</title>\n"
            f'<meta name="description" content="{escape(_sentence(rng))}">\n'
            f'<link rel="canonical" href="{item.url}">\n'
            f'<meta property="og:locale" content="es_ES">\n<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{title}">\n'
            f'<meta property="og:url" content="{item.url}">\n'
            f'<meta property="og:site_name" content="{escape(site.name)}">\n'
            f'<meta property="article:published_time" content="{item.published.isoformat()}">\n'
            f'<meta name="author" content="{escape(item.author)}">\n'
            f'<script type="application/ld+json">{json_ld}</script>\n'
            f"{head}</head>\n"
            f'<body class="post-template-default single single-post postid-{item.post_id} '
            'single-format-standard">\n'
            f'<a class="skip-link screen-reader-text" href="#content">Saltar al contenido</a>\n{header}'
            '<div class="breadcrumbs" aria-label="Migas de pan">'
            f'<a href="{site.base}/">Portada</a> » <a href="{site.base}/categoria/'
            f'{_slug(item.category)}/">{escape(item.category)}</a> » <span>{title}</span></div>\n'
            '<div id="content" class="site-content"><main id="main" class="site-main">\n'
            f'<article id="post-{item.post_id}" class="post type-post status-publish hentry">\n'
            f'<header class="entry-header"><span class="cat-links"><a href="{site.base}/categoria/'
            f'{_slug(item.category)}/">{escape(item.category)}</a></span>'
            f'<h1 class="entry-title">{title}</h1><div class="entry-meta">Por '
            f'<a class="author" rel="author" href="{site.base}/autor/{_slug(item.author)}/">'
            f"{escape(item.author)}</a> · "
            f'<time class="entry-date published" datetime="{item.published.isoformat()}">'
            f"{item.published:%d/%m/%Y %H:%M}</time> · <span>{rng.randint(3, 9)} min de lectura"
            "</span></div></header>\n"
            f'<div class="share-bar share-top"><span>Compartir:</span>{share}</div>\n'
            f'<figure class="post-thumbnail"><img src="/wp-content/uploads/{item.post_id}.jpg" '
            f'width="1200" height="675" alt="{title}"><figcaption>Imagen: {escape(site.name)}'
            "</figcaption></figure>\n"
            '<div class="ad ad-inarticle" id="div-gpt-ad-1"><span>Publicidad</span></div>\n'
            f'<div class="entry-content">\n{body}\n</div>\n'
            f'<div class="share-bar share-bottom"><span>¿Te ha gustado? Compártelo:</span>{share}</div>\n'
            f'<footer class="entry-footer"><span class="tags-links">Etiquetas: {tags}</span></footer>\n'
            f'<div class="author-box"><img src="/avatar/{_slug(item.author)}.jpg" alt="">'
            f"<p><strong>{escape(item.author)}</strong> escribe sobre tecnología desde 2012. "
            f'Sígueme en <a href="https://twitter.com/{_slug(item.author)}">Twitter</a> y '
            f'suscríbete a la <a href="{site.base}/newsletter/">newsletter</a>.</p></div>\n'
            f'<section class="related-posts"><h2>Artículos relacionados</h2>{related}</section>\n'
            f'<section id="comments" class="comments-area"><h2>{rng.randint(3, 40)} comentarios'
            f'</h2><ol class="comment-list">{comments}</ol><div id="respond"><h3>Deja un '
            'comentario</h3><form><textarea name="comment"></textarea><input name="author" '
            'placeholder="Nombre"><button>Publicar comentario</button></form></div></section>\n'
            "</article>\n</main>\n"
            '<aside id="secondary" class="widget-area sidebar">'
            f'<section class="widget"><h2 class="widget-title">Lo más leído</h2><ol>{most_read}'
            "</ol></section>"
            '<section class="widget widget-newsletter"><h2 class="widget-title">Newsletter</h2>'
            "<p>Recibe cada mañana las noticias más importantes de tecnología.</p><form>"
            '<input type="email" placeholder="Tu correo"><button>Suscribirme</button></form>'
            "</section>"
            '<div class="ad ad-sidebar" id="div-gpt-ad-2"><span>Publicidad</span></div>'
            f'<section class="widget"><h2 class="widget-title">Últimas noticias</h2><ul>{latest}'
            "</ul></section></aside>\n</div>\n"
            f"{footer}</body>\n</html>\n"
        )

    # -- writing out ------------------------------------------------------------------------

    def write(self, out: Path, *, pages: bool = True) -> int:
        """Write feeds (and pages) as plain files under `out/<address>/...`; return the count."""
        count = 0
        manifest = []
        for site in self.sites:
            path = out / site.address / site.feed_path.strip("/") / "index.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.feed_bytes(site))
            count += 1
            manifest.append(
                {"site": site.name, "feed": site.feed_url, "format": site.fmt, "full": site.full}
            )
            if not pages:
                continue
            for item in site.items:
                page = out / site.address / item.path.strip("/") / "index.html"
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_bytes(self.page_bytes(site, item))
                count += 1
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        return count


def _slug(text: str) -> str:
    table = str.maketrans("áéíóúñüÁÉÍÓÚÑÜ", "aeiounuAEIOUNU")
    out = []
    for ch in text.translate(table).lower():
        out.append(ch if ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def _sentence(rng: random.Random) -> str:
    connector = rng.choice(CONNECTORS)
    subject = rng.choice(SUBJECTS)
    if connector:
        subject = subject[0].lower() + subject[1:]
    extra = ""
    if rng.random() < 0.4:
        extra = f", algo que {rng.choice(COMPANIES)} ya intentó con {rng.choice(PRODUCTS)}"
    return f"{connector} {subject} {rng.choice(PREDICATES)}{extra}.".strip()


def _with_link(rng: random.Random, sentence: str, site: Site, item: Item) -> str:
    """Wrap two or three words of `sentence` in a link (to the same site or elsewhere)."""
    words = escape(sentence).split(" ")
    if len(words) < 6:
        return escape(sentence)
    start = rng.randrange(1, len(words) - 3)
    end = start + rng.randint(2, 3)
    if rng.random() < 0.6 and site.items:
        href = rng.choice(site.items).url
    else:
        href = f"https://www.{rng.choice(['boe.es', 'europa.eu', 'github.com', 'arxiv.org'])}/{rng.randrange(10**6)}"
    words[start] = f'<a href="{href}">{words[start]}'
    words[end - 1] = f"{words[end - 1]}</a>"
    return " ".join(words)


def add_corpus_arguments(ap: argparse.ArgumentParser) -> None:
    """The corpus's own options (`corpus_from_arguments` reads them), for each script serving it."""
    ap.add_argument("--feeds", type=int, default=5)
    ap.add_argument("--items", type=int, default=4)
    ap.add_argument("--full-share", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=1)


def corpus_from_arguments(args: argparse.Namespace, port: int) -> Corpus:
    return Corpus(args.feeds, args.items, full_share=args.full_share, seed=args.seed, port=port)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_corpus_arguments(ap)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    corpus = corpus_from_arguments(args, args.port)
    count = corpus.write(args.out)
    print(f"wrote {count} files under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
