"""Canonical article URLs: wrapper unwrapping, courlan normalisation, stable entry ids."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from tui_reader.sanitize import is_safe_url

# Query parameters in which aggregators and link shorteners carry the real target.
WRAPPER_PARAMS = ("url", "u", "q", "target", "to", "link", "dest", "destination", "redirect", "r")
_MAX_UNWRAP = 5

_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
_BASE_TAG = re.compile(r"<base\b[^>]*>", re.IGNORECASE)
_HEAD_SCAN = 200_000
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def _absolute_http(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def unwrap_url(url: str) -> str:
    """The target of an aggregator/tracker wrapper (`/out?url=https://…`), else `url` itself.

    Only a parameter whose value is an absolute http(s) URL counts, so a search page's `q=rust`
    is left alone. Nested wrappers are peeled a few levels deep.
    """
    for _ in range(_MAX_UNWRAP):
        try:
            query = parse_qsl(urlsplit(url).query, keep_blank_values=False)
        except ValueError:
            return url
        params = {k.lower(): v for k, v in query}
        target = next(
            (
                params[p].strip()
                for p in WRAPPER_PARAMS
                if p in params and _absolute_http(params[p])
            ),
            None,
        )
        if target is None or target == url:
            return url
        url = target
    return url


def canonical_url(url: str) -> str:
    """One spelling per article: unwrapped, lowercase host, no tracking parameters, no fragment.

    courlan is imported here, not with the module: a run where every feed answers 304 (and the
    reader, at start-up) never needs it, and it cost 45 ms to import.
    """
    from courlan import normalize_url

    url = unwrap_url(url.strip())
    try:
        normal = normalize_url(url)
    except (ValueError, AttributeError):
        normal = url
    parts = urlsplit(normal)
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, parts.query, ""))


# Query parameters that only tell a site where a click came from: left out of the URL kept.
_TRACKING_PARAM = re.compile(
    r"(?:utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok)",
    re.IGNORECASE,
)


def kept_url(url: str) -> str:
    """The URL an entry keeps, shows and opens: the feed's own spelling, not the canonical one.

    Only what cannot change the page goes: an aggregator's wrapper, tracking parameters and the
    fragment. Everything else stays as given (`?a=1&b=2&c` keeps `c`, `//` inside a path stays,
    `https://web.archive.org/web/2020/https://example.com/a` still opens); `canonical_url` is
    for telling two spellings of one article apart, not for opening it.
    """
    url = unwrap_url(url.strip())
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = "&".join(
        p for p in parts.query.split("&") if p and not _TRACKING_PARAM.fullmatch(p.split("=")[0])
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", query, ""))


def entry_id(canonical: str) -> str:
    """A short id that is stable across runs and machines: the same story is always one entry."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


_TITLE_SITE_SUFFIX = re.compile(r"\s+[-|–—·]\s+[^-|–—·]{1,40}$")


class _WithoutMarks(dict[int, int | None]):
    """A `str.translate` table that drops combining marks, filled as characters are met."""

    def __missing__(self, char: int) -> int | None:
        kept = None if unicodedata.combining(chr(char)) else char
        self[char] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


@lru_cache(maxsize=4096)
def title_key(title: str) -> str:
    """A title folded for near-duplicate matching; "" when too short to group safely.

    Accents, case and punctuation go, and so does a trailing " - Site" or " | Site" that
    aggregators add, so the same story under two aggregators' titles meets on one key.
    Cached: a run asks twice per item (its story, then its claim).
    """
    stripped = _TITLE_SITE_SUFFIX.sub("", title) if len(title.split()) > 6 else title
    folded = unicodedata.normalize("NFKD", stripped.casefold())
    words = re.findall(r"\w+", folded.translate(_WITHOUT_MARKS))
    return " ".join(words) if len(words) >= 5 else ""


@lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    """Cached: a run asks for the host (`site_of`, `same_site`) about seven times an item."""
    return (urlsplit(url).hostname or "").lower()


def site_of(url: str) -> str:
    """The host without `www.`: what a list shows as the story's site and keys site stats."""
    host = host_of(url)
    return host[4:] if host.startswith("www.") else host


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to one site: same host or one a subdomain of the other."""
    ha, hb = site_of(a), site_of(b)
    if not ha or not hb:
        return False
    return ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha)


def _head(page: str) -> str:
    match = _HEAD_END.search(page, 0, _HEAD_SCAN)
    return page[: match.start()] if match else page[:_HEAD_SCAN]


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v.strip("\"'")).strip() for k, v in _ATTR.findall(tag)}


def _base(page_head: str, url: str) -> str:
    match = _BASE_TAG.search(page_head)
    if match:
        href = _attrs(match.group(0)).get("href", "")
        if href:
            return urljoin(url, href)
    return url


def find_link_tags(page: str, url: str, rel: str) -> list[dict[str, str]]:
    """The `<link>` tags of a page's head with `rel`, hrefs made absolute against `url`."""
    head = _head(page)
    base = _base(head, url)
    found = []
    for tag in _LINK_TAG.findall(head):
        attrs = _attrs(tag)
        if rel not in attrs.get("rel", "").lower().split() or not attrs.get("href"):
            continue
        attrs["href"] = urljoin(base, attrs["href"])
        found.append(attrs)
    return found


def find_canonical(page: str, url: str) -> str | None:
    """The page's `<link rel="canonical">` as an absolute http(s) URL, if it has one."""
    for attrs in find_link_tags(page, url, "canonical"):
        if is_safe_url(attrs["href"]):
            return attrs["href"]
    return None


def find_feed_links(page: str, url: str) -> list[str]:
    """Feeds a web page advertises with `<link rel="alternate" type="application/rss+xml">`."""
    feeds: list[str] = []
    for attrs in find_link_tags(page, url, "alternate"):
        href = attrs["href"]
        if attrs.get("type", "").lower() in FEED_TYPES and is_safe_url(href) and href not in feeds:
            feeds.append(href)
    return feeds


def article_url(
    item_link: str, final_url: str, page: str | None, *, redirected_from_elsewhere: bool
) -> str:
    """The article's URL once its page is fetched (as `kept_url` spells it).

    The end of the redirect chain is the original article; its `<link rel="canonical">` wins
    when it names the same site, or when an aggregator's redirects brought us here (an AMP or
    mirror page then points home). A canonical pointing at an unrelated site is ignored: a page
    cannot claim to be somebody else's story.
    """
    chosen = final_url or item_link
    if page:
        canonical = find_canonical(page, chosen)
        if canonical and (same_site(canonical, chosen) or redirected_from_elsewhere):
            chosen = canonical
    return kept_url(chosen)
