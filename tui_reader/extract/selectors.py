"""A small CSS-to-XPath translator (no cssselect dependency) for boilerplate selectors.

Supported: `tag`, `*`, `.class`, `#id`, `[attr]`, `[attr=v]`, `[attr~=v]`, `[attr^=v]`,
`[attr$=v]`, `[attr*=v]`, `[attr|=v]`, the descendant (" ") and child (">") combinators, and ","
groups.  A selector that starts with "/" or "(" is taken as XPath as it is.
"""

from __future__ import annotations

import re


class SelectorError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<ws>\s*>\s*|\s+)
    | (?P<tag>\*|[A-Za-z][\w-]*)
    | \.(?P<cls>-?[_A-Za-z][\w-]*)
    | \#(?P<id>-?[_A-Za-z][\w-]*)
    | \[\s*(?P<attr>[A-Za-z_][\w:-]*)\s*
        (?:(?P<op>[~^$*|]?=)\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s]+))\s*)?\]
    """,
    re.VERBOSE,
)


def _literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    parts = value.split("'")
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in parts) + ")"


def _attr_test(name: str, op: str | None, value: str) -> str:
    at = f"@{name}"
    lit = _literal(value)
    if op is None:
        return at
    if op == "=":
        return f"{at}={lit}"
    if op == "~=":
        return f"contains(concat(' ', normalize-space({at}), ' '), {_literal(' ' + value + ' ')})"
    if op == "^=":
        return f"starts-with({at}, {lit})"
    if op == "$=":
        return f"substring({at}, string-length({at}) - {len(value) - 1})={lit}"
    if op == "*=":
        return f"contains({at}, {lit})"
    if op == "|=":
        return f"({at}={lit} or starts-with({at}, {_literal(value + '-')}))"
    raise SelectorError(f"unknown operator {op}")


def _one(selector: str) -> str:
    steps: list[str] = []
    axis = "//"
    tag = ""
    preds: list[str] = []
    pos = 0
    text = selector.strip()
    if not text:
        raise SelectorError("empty selector")

    def flush() -> None:
        nonlocal tag, preds
        if not tag and not preds:
            raise SelectorError(f"dangling combinator in {selector!r}")
        steps.append(axis + (tag or "*") + "".join(f"[{p}]" for p in preds))
        tag, preds = "", []

    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise SelectorError(f"unsupported syntax at {text[pos : pos + 12]!r}")
        pos = m.end()
        if m.group("ws") is not None:
            flush()
            axis = "/" if ">" in m.group("ws") else "//"
        elif m.group("tag"):
            if tag or preds:
                raise SelectorError(f"tag name in the middle of {selector!r}")
            tag = m.group("tag").lower()
        elif m.group("cls"):
            name = m.group("cls")
            preds.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
        elif m.group("id"):
            preds.append(f"@id={_literal(m.group('id'))}")
        elif m.group("attr"):
            raw = m.group("dq") if m.group("dq") is not None else m.group("sq")
            if raw is None:
                raw = m.group("bare") or ""
            preds.append(_attr_test(m.group("attr"), m.group("op"), raw))
    flush()
    return "".join(steps)


def to_xpath(selector: str) -> str:
    """XPath for a CSS selector (or the selector itself if it is XPath already)."""
    sel = selector.strip()
    if not sel:
        raise SelectorError("empty selector")
    if sel[0] in "/(":
        from lxml import etree

        try:
            etree.XPath(sel)
        except etree.XPathSyntaxError as err:
            raise SelectorError(f"bad XPath: {err}") from None
        return sel
    return " | ".join(_one(part) for part in _split_groups(sel))


def _split_groups(selector: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for i, ch in enumerate(selector):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(selector[start:i])
            start = i + 1
    parts.append(selector[start:])
    out = [p.strip() for p in parts]
    if any(not p for p in out):
        raise SelectorError(f"empty group in {selector!r}")
    return out
