"""The `typeset` command line.

Settings come from `typeset.toml` (see `typeset.config_file`), and command-line options
override them. Heavy libraries are imported only by the commands and stages that use them,
so `typeset build` on an up-to-date output folder answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from typeset import __version__
from typeset.build import EXIT_BAD_INPUT, EXIT_FAILED
from typeset.config import CONFIG_FILE, EDITIONS, Config
from typeset.config_file import ConfigError, find_config
from typeset.dates import source_date_epoch
from typeset.errors import InputError
from typeset.readers import READERS, issue_files
from typeset.writers import WRITERS

EXIT_INTERRUPTED = 130
DEFAULT_INPUT = "seeds"
DEFAULT_PORT = 8765
PATHS_HELP = (
    f"issue files, or folders of {', '.join('*' + s for s in READERS)} issue files"
    f" (default: {DEFAULT_INPUT}/)"
)


def _parse(args: argparse.Namespace) -> int:
    from typeset.readers import read_issue

    issue = read_issue(args.file)
    if args.marked:
        from typeset.writers.marked import marked_text

        sys.stdout.write(marked_text(issue))
    else:
        sys.stdout.write(issue.to_json() + "\n")
    return 0


def _issue_files(paths: list[str], verb: str) -> list[Path]:
    """Files as given, each once; folders mean the issue files in them that a reader claims
    (`typeset.readers.READERS`); nothing means seeds/.

    Empty only after saying so on stderr: a command given nothing to `verb` fails (exit 2).
    """
    found: dict[Path, Path] = {}  # where the file is → the first name it was given by
    for name in paths or [DEFAULT_INPUT]:
        path = Path(name)
        for file in issue_files(path) if path.is_dir() else [path]:
            found.setdefault(file.resolve(), file)
    if not found:
        names = ", ".join(paths) or DEFAULT_INPUT
        kinds = ", ".join(f"*{suffix}" for suffix in READERS)
        print(f"typeset: {names}: no issue files ({kinds}) to {verb}", file=sys.stderr)
    return list(found.values())


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


def _edition(value: str) -> tuple[str, ...]:
    if value == "all":
        return tuple(EDITIONS)
    if value not in EDITIONS:
        raise argparse.ArgumentTypeError(f"{value!r}: choose from simplified, traditional, all")
    return (value,)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r}: a port number, 0 to 65535")
    return int(value)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: a number of processes, 1 or more")
    return int(value)


def _config(args: argparse.Namespace) -> Config:
    """typeset.toml (or --config FILE), then the command-line options that override it."""
    config = find_config(args.config)
    overrides = {
        name: getattr(args, name)
        for name in ("editions", "formats", "vertical_epub")
        if getattr(args, name, None) is not None
    }
    if getattr(args, "proof", False):
        formats = overrides.get("formats", config.formats)
        overrides["formats"] = tuple(dict.fromkeys([*formats, "proof"]))
    return replace(config, **overrides)


def _checked(args: argparse.Namespace, command: str) -> tuple[int, list[tuple] | None]:
    """Each issue file `args.files` names, read and checked, for `check` and `outline`: the
    exit status (bad input when a file cannot be read, each said in one line) and, for each
    file read, its path, model and preflight findings; None when no file was named."""
    from typeset import preflight
    from typeset.readers import read_issue

    config = _config(args)
    files = _issue_files(args.files, command)
    if not files:
        return EXIT_BAD_INPUT, None
    status = 0
    checked = []
    for path in files:
        try:
            issue = read_issue(path)
        except InputError as exc:
            print(f"typeset: {path}: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        checked.append((path, issue, preflight.check(issue, config)))
    return status, checked


def _check(args: argparse.Namespace) -> int:
    from typeset import preflight

    status, checked = _checked(args, "check")
    if checked is None:
        return status
    reports = []
    for path, _, diagnostics in checked:
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


def _outline(args: argparse.Namespace) -> int:
    from typeset.outline import outline

    status, checked = _checked(args, "outline")
    if checked is None:
        return status
    outlines = [outline(str(path), issue, findings) for path, issue, findings in checked]
    if args.json:
        import json

        print(json.dumps([o.to_dict() for o in outlines], ensure_ascii=False, indent=2))
    else:
        sys.stdout.write("\n".join(o.text() for o in outlines))
    return status


def _build(args: argparse.Namespace) -> int:
    from typeset.build import run_build
    from typeset.build.progress import Progress

    config = _config(args)
    try:
        source_date_epoch()  # once here, rather than failing every issue
    except ValueError as exc:
        print(f"typeset: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    files = _issue_files(args.files, "build")
    if not files:
        return EXIT_BAD_INPUT
    progress = Progress(len(files), sys.stderr, verbose=args.verbose)
    try:
        return run_build(
            files,
            Path(args.output),
            config,
            progress,
            jobs=args.jobs,
            force=args.force,
            debug=args.verbose,
        )
    finally:
        progress.finish()


def _serve(args: argparse.Namespace) -> int:
    from typeset.serve import serve

    config = _config(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"typeset: {path}: no such issue file", file=sys.stderr)
        return EXIT_BAD_INPUT
    return serve(path, config, args.edition or config.editions[0], args.port)


def _add_config_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--config",
        metavar="FILE",
        help=f"settings file (default: ./{CONFIG_FILE} if present)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="typeset",
        description="Print-ready PDF and EPUB 3 editions of Chinese periodical issue files.",
        epilog=f"Settings are read from ./{CONFIG_FILE}; see the README. "
        "'typeset COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"typeset {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="print an issue file's article model as JSON",
        description="Print the article model of one issue file as JSON on stdout.",
    )
    parse.add_argument("file", metavar="FILE", help="issue file")
    parse.add_argument(
        "--marked",
        action="store_true",
        help="print the structure as an issue file with every line marked (see the README's"
        " 'Correcting the reader'), to correct and build from",
    )
    parse.set_defaults(run=_parse)

    check = commands.add_parser(
        "check",
        help="preflight report: what is wrong with an issue before it goes to press",
        description="Report what is wrong with issue files before they go to press. "
        "Exit status 1 if any error, 2 if a file cannot be read.",
    )
    check.add_argument("files", nargs="*", metavar="PATH", help=PATHS_HELP)
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_config_option(check)
    check.set_defaults(run=_check)

    outline = commands.add_parser(
        "outline",
        help="the structure the reader recovered, one line per element, with the findings",
        description="Print what the reader made of issue files: columns, articles and their "
        "parts, one line each with the issue-file line, paragraphs counted, and each preflight "
        "finding under the element it concerns. Exit status 2 if a file cannot be read.",
    )
    outline.add_argument("files", nargs="*", metavar="PATH", help=PATHS_HELP)
    outline.add_argument("--json", action="store_true", help="print the outline as JSON")
    _add_config_option(outline)
    outline.set_defaults(run=_outline)

    build = commands.add_parser(
        "build",
        help="build PDF and EPUB editions of issue files",
        description="Build the PDF and EPUB editions of issue files. Only outputs whose "
        "inputs (issue, templates, fonts, settings, typeset itself) changed are rebuilt. "
        "Exit status 1 if any issue failed, 2 if a file or the settings cannot be read.",
    )
    build.add_argument("files", nargs="*", metavar="PATH", help=PATHS_HELP)
    build.add_argument(
        "-o", "--output", default="dist", metavar="DIR", help="output folder (default: dist/)"
    )
    build.add_argument(
        "--format",
        dest="formats",
        type=_csv(tuple(WRITERS)),
        metavar="pdf,epub",
        help="formats to write (default: from settings, else pdf,epub)",
    )
    build.add_argument(
        "--proof",
        action="store_true",
        help="also write <stem>.proof.pdf: the print layout with every preflight finding in "
        "the margin, for the editor (the press PDF is unchanged)",
    )
    build.add_argument(
        "--edition",
        dest="editions",
        type=_edition,
        metavar="{simplified,traditional,all}",
        help="edition(s) to build (default: from settings, else simplified)",
    )
    build.add_argument(
        "--vertical-epub",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="set the traditional EPUB vertically, right to left (default: from settings, else no)",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=os.cpu_count() or 1,
        metavar="N",
        help="issues built at once, in parallel processes (default: number of CPUs)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="rebuild everything, and build issues with preflight errors",
    )
    build.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="a line per issue with stage timings, even off a terminal; tracebacks of failures",
    )
    _add_config_option(build)
    build.set_defaults(run=_build)

    serve = commands.add_parser(
        "serve",
        help="a live preview in the browser, rebuilt whenever the issue or a template changes",
        description="Serve a live preview of one issue file on localhost: the print HTML in "
        "the browser and the PDF, rebuilt by a warm process whenever the issue file, a "
        "template or one of its pictures changes. Ctrl-C stops it.",
    )
    serve.add_argument("file", metavar="FILE", help="issue file")
    serve.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        metavar="N",
        help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--edition",
        choices=tuple(EDITIONS),
        help="edition to preview (default: the first in the settings, else simplified)",
    )
    _add_config_option(serve)
    serve.set_defaults(run=_serve)
    return parser


def _quiet_library_warnings() -> None:
    """typeset's modules log warnings that preflight already reports, and that a build passes
    on with -v as `typeset:` lines (`typeset.build`). Without a handler of its own, Python
    would print each one bare, once per output, through the progress bar."""
    logger = logging.getLogger("typeset")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _quiet_library_warnings()
    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"typeset: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as exc:
        name = getattr(args, "file", None) or ""
        print(f"typeset: {name}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("typeset: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> NoReturn:
    """The `typeset` command: `main`, then end the process at once with its status.

    By then every output and the manifest is on disk, written whole, flushed and fsynced
    (`typeset.build.files.write_atomically`), and the worker processes are joined or
    ended. What Python would still do before exiting (collect WeasyPrint's pages and boxes,
    run finalizers and atexit hooks) changes nothing on disk and took 0.1-0.3 s after a
    PDF. The standard streams are flushed first. Tests call `main`, which returns.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
