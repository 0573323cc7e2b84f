"""Untrusted text made safe for a terminal: no control, escape or bidi-override characters.

Feed and page strings pass through `clean_text` before they are stored, and every output path
passes them through it again, so an escape sequence in a title can never reach the terminal.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# ESC-introduced sequences (CSI, OSC, DCS, ...) are removed whole, so no payload is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x9d\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit OSC/DCS/...
)
# C0 (but tab and newline), DEL, C1, bidi embeddings/overrides/isolates, and other invisible
# format characters that can reorder or hide text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")

SAFE_SCHEMES = ("http", "https")


def strip_escapes(value: str) -> str:
    """Terminal escape sequences (ESC/CSI/OSC ...) removed with their parameters."""
    return _ESCAPE_SEQUENCE.sub("", value)


def strip_controls(value: str) -> str:
    """Escape sequences (whole) and control, bidi and non-characters removed; nothing else."""
    if "\x1b" in value or "\x9b" in value or any(c in value for c in "\x90\x98\x9d\x9e\x9f"):
        value = _ESCAPE_SEQUENCE.sub("", value)
    return _CONTROL.sub("", value)


def clean_text(value: str) -> str:
    """Remove escape sequences and control characters; keep newlines and tabs."""
    if not value:
        return ""
    return strip_controls(value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: str) -> str:
    """A single-line string (a title, an author): controls removed, whitespace folded."""
    return _SPACES.sub(" ", clean_text(value).replace("\n", " ").replace("\t", " ")).strip()


def error_line(exc: object) -> str:
    """An exception as the one clean line a log or a failed feed shows: its first line."""
    lines = str(exc).strip().splitlines()
    return clean_line(lines[0]) if lines else type(exc).__name__


def is_safe_url(url: str) -> bool:
    """Only http(s) URLs with a host are ever opened or made clickable."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return (
        parts.scheme.lower() in SAFE_SCHEMES
        and bool(parts.netloc)
        and clean_line(url) == url.strip()
    )
