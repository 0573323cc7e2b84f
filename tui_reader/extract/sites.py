"""Hosts and sites of URLs, as the block rules compare them (same site, same page)."""

from __future__ import annotations

from tui_reader.extract.shapes import site_key
from tui_reader.feeds.links import site_of

__all__ = ["host_of", "is_same_site", "page_site", "same_page", "site_key"]


def host_of(url: str) -> str:
    """The URL's host without "www.", or "" (also for a malformed URL)."""
    try:
        return site_of(url)
    except ValueError:
        return ""


def page_site(url: str) -> str:
    """The site key of a page URL ("" without a host)."""
    host = host_of(url)
    return site_key(host) if host else ""


def same_page(a: str, b: str) -> bool:
    def norm(u: str) -> str:
        u = u.split("#", 1)[0]
        if u.startswith("https://"):
            u = "http://" + u[8:]
        return u.replace("://www.", "://").rstrip("/")

    return bool(a) and bool(b) and norm(a) == norm(b)


def is_same_site(href: str, site: str) -> bool:
    """`href` points into `site` (a `site_key`)."""
    host = host_of(href)
    return bool(site) and bool(host) and site_key(host) == site
