"""Command line: a bare `tui-reader` opens the reader; subcommands are headless. Exit codes live here."""

from __future__ import annotations

import argparse
import sys

from tui_reader import __version__

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tui-reader", description=__doc__)
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    sub = parser.add_subparsers(dest="command")
    ext = sub.add_parser("extract", help="extract the article from pages or files")
    ext.add_argument("sources", nargs="+", metavar="SOURCE", help="a file or an http(s) URL")
    ext.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    ext.add_argument("--url", help="the page URL, to resolve relative links of a file")
    ext.add_argument("--explain", action="store_true", help="show which rule removed which block")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract":
        from tui_reader.extract.command import run_extract

        return run_extract(args.sources, fmt=args.format, url=args.url, explain=args.explain)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
