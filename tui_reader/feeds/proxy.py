"""HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, read once per run, decided per host.

The fetcher builds its own transport for each host, so httpx's `trust_env` never sees these
variables; this module is how they still apply. The rules are the standard library's
(`urllib.request` reads the variables, lowercase names winning) and curl's for NO_PROXY: hosts,
host:port, domains (`.example.com` or `example.com`, which include their subdomains) and `*`.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SUPPORTED_SCHEMES = ("http", "https")


class ProxyConfigError(Exception):
    """A proxy variable this program cannot use; one line for a person."""


@dataclass(frozen=True, slots=True)
class Proxies:
    """The proxy variables of the environment the run started in."""

    by_scheme: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> Proxies:
        return cls(dict(urllib.request.getproxies_environment()))

    def for_url(self, scheme: str, host: str, port: int | None = None) -> str | None:
        """The proxy URL for a request to scheme://host:port, or None to connect directly."""
        proxy = self.by_scheme.get(scheme) or self.by_scheme.get("all")
        if not proxy:
            return None
        if bypassed(self.by_scheme.get("no", ""), host, port):
            return None
        if "://" not in proxy:
            proxy = "http://" + proxy  # HTTP_PROXY=host:3128, as curl accepts it
        proxy_scheme = urlsplit(proxy).scheme.lower()
        if proxy_scheme not in SUPPORTED_SCHEMES:
            raise ProxyConfigError(
                f"the {scheme} proxy {shown(proxy)} uses {proxy_scheme}://, which is not "
                "supported; use an http:// proxy"
            )
        return proxy


def bypassed(no_proxy: str, host: str, port: int | None) -> bool:
    """Whether NO_PROXY names `host` (or host:port): `*`, a host, or a domain and its hosts."""
    host = host.lower().strip("[]").rstrip(".")
    for entry in no_proxy.lower().replace(" ", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and (not entry_port.isdigit() or int(entry_port) != port):
            continue
        name = name.strip("[]").lstrip("*").lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def shown(proxy: str) -> str:
    """A proxy URL as it may be printed: host and port, never its password."""
    parts = urlsplit(proxy)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host
