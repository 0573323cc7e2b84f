"""readability-lxml under the eval command contract, for `bench/other_suites.py`.

    python bench/readability_baseline.py FILE...

readability-lxml's `Document(html).summary()` turned into text with html-text, as the baselines
of shared/eval/README.md were measured (readability-lxml 0.9 + html-text). Neither is a
dependency of tui-reader: install them for the benchmark only
(`.venv/bin/pip install readability-lxml html-text`; as an extra of the package, pip 23 fails
to resolve their `lxml[html_clean]` together with trafilatura's `lxml[html-clean]`).
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import html_text  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from readability import Document  # type: ignore[import-untyped, import-not-found, unused-ignore]

    for path in sys.argv[1:]:
        with open(path, encoding="utf-8", errors="replace") as fh:
            html = fh.read()
        rec: dict[str, object] = {
            "source": path,
            "text": "",
            "title": None,
            "blocks": [],
            "links": [],
        }
        try:
            doc = Document(html)
            rec["text"] = html_text.extract_text(doc.summary(html_partial=True))
            rec["title"] = doc.short_title() or None
        except Exception as err:  # one bad page must not stop the run
            print(f"{path}: {err}", file=sys.stderr)
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
