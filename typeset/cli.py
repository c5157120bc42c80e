"""The `typeset` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from typeset import __version__
from typeset.errors import InputError
from typeset.reader import read_issue

EXIT_BAD_INPUT = 2


def _parse(args: argparse.Namespace) -> int:
    issue = read_issue(args.file)
    sys.stdout.write(issue.to_json() + "\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="typeset",
        description="Print-ready PDF and EPUB 3 editions of Chinese periodical issue files.",
    )
    parser.add_argument("--version", action="version", version=f"typeset {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="print an issue file's article model as JSON")
    parse.add_argument("file", metavar="FILE", help="issue file (.txt)")
    parse.set_defaults(run=_parse)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as exc:
        name = getattr(args, "file", None) or ""
        print(f"typeset: {name}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
