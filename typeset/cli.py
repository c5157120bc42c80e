"""The `typeset` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from typeset import __version__
from typeset.build import EDITIONS, FORMATS, build_issue, planned_outputs
from typeset.config import PROJECT_ROOT, Config
from typeset.errors import InputError
from typeset.reader import read_issue

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _parse(args: argparse.Namespace) -> int:
    issue = read_issue(args.file)
    sys.stdout.write(issue.to_json() + "\n")
    return 0


def _issue_files(paths: list[str]) -> list[Path]:
    """Files as given; folders mean the *.txt in them; nothing means seeds/."""
    found: list[Path] = []
    for name in paths or [str(PROJECT_ROOT / "seeds")]:
        path = Path(name)
        found += sorted(path.glob("*.txt")) if path.is_dir() else [path]
    return found


def _csv(allowed: tuple[str, ...]):
    def parse(value: str) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
        unknown = [n for n in names if n not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"{value!r}: choose from {', '.join(allowed)} (comma-separated)"
            )
        return names

    return parse


def _editions(value: str) -> tuple[str, ...]:
    return tuple(EDITIONS) if value == "all" else (value,)


def _check(args: argparse.Namespace) -> int:
    from typeset import preflight

    config = Config()
    status = 0
    reports = []
    for path in _issue_files(args.files):
        try:
            issue = read_issue(path)
        except InputError as exc:
            print(f"typeset: {path}: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        diagnostics = preflight.check(issue, config)
        if preflight.has_errors(diagnostics):
            status = max(status, EXIT_FAILED)
        if args.json:
            reports += [{"file": str(path), **d} for d in preflight.to_dicts(diagnostics)]
        else:
            for d in diagnostics:
                print(preflight.format_diagnostic(path, d))
    if args.json:
        import json

        print(json.dumps(reports, ensure_ascii=False, indent=2))
    return status


def _build(args: argparse.Namespace) -> int:
    from typeset import preflight

    config = Config(editions=args.edition, formats=args.format)
    status = 0
    for path in _issue_files(args.files):
        try:
            issue = read_issue(path)
        except InputError as exc:
            print(f"typeset: {path}: {exc}", file=sys.stderr)
            status = max(status, EXIT_BAD_INPUT)
            continue
        diagnostics = preflight.check(issue, config)
        for d in diagnostics:
            if d.severity != "info":
                print(preflight.format_diagnostic(path, d), file=sys.stderr)
        if preflight.has_errors(diagnostics) and not args.force:
            print(
                f"typeset: {path}: not built: errors above (--force builds anyway)", file=sys.stderr
            )
            status = max(status, EXIT_FAILED)
            continue
        outputs = planned_outputs(issue.id, Path(args.output), args.format, args.edition)
        build_issue(issue, outputs, config)
        if args.verbose:
            print(f"built {path} → {', '.join(str(o.path) for o in outputs)}")
    return status


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

    check = commands.add_parser(
        "check", help="preflight report: what is wrong with an issue before it goes to press"
    )
    check.add_argument("files", nargs="*", metavar="PATH", help="issue files or folders")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(run=_check)

    build = commands.add_parser("build", help="build PDF and EPUB editions of issue files")
    build.add_argument(
        "files", nargs="*", metavar="PATH", help="issue files or folders (default: seeds/)"
    )
    build.add_argument("-o", "--output", default="dist", help="output folder (default: dist/)")
    build.add_argument(
        "--format", type=_csv(FORMATS), default=FORMATS, help="pdf, epub or pdf,epub (default)"
    )
    build.add_argument(
        "--edition",
        type=_editions,
        choices=[(e,) for e in EDITIONS] + [tuple(EDITIONS)],
        default=("simplified",),
        metavar="{simplified,traditional,all}",
        help="edition(s) to build (default: simplified)",
    )
    build.add_argument("--force", action="store_true", help="build even issues with errors")
    build.add_argument("-v", "--verbose", action="store_true", help="say what was built")
    build.set_defaults(run=_build)
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
