"""Feed retrieval (fetch), parsing (parse) and canonical article URLs (links)."""

import sys

# httpx imports its command-line tool (`httpx._main`: click, rich, pygments; 35 ms, a tenth of a
# warm fetch) whenever those are installed, as the reader's dependencies are. Nothing here uses
# it: marked missing before httpx is first imported, httpx falls back to its stub `main`.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
