"""Builds: issue files → editions on disk, through reader, transforms and writers.

A run builds only the outputs whose inputs changed since they were built (`manifest`), in
parallel processes, one task per issue, and writes each output whole or not at all
(`files`); `progress` says on stderr what happens. Deciding that an output is up to date
needs no reader, layout engine or converter, so this package imports them only to build.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from typeset.build.files import remove_stale_partials, write_atomically
from typeset.build.manifest import FileHashes, Manifest, output_inputs, shared_inputs
from typeset.config import EDITIONS, Config
from typeset.writers import WRITERS

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from typeset.model import Diagnostic, Issue

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Output:
    edition: str
    format: str
    path: Path


@dataclass
class IssueResult:
    """What became of one issue file; `messages` are preflight lines for stderr."""

    path: Path
    state: str  # "built", "up to date" or "failed"
    outputs: list[Output] = field(default_factory=list)
    reason: str = ""
    exit_code: int = 0
    messages: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    # Why the issue was built: what changed since its outputs were last built.
    why: str = ""


class Reporter(Protocol):
    def message(self, line: str) -> None: ...
    def issue(self, result: IssueResult) -> None: ...


def planned_outputs(
    issue_id: str, out_dir: Path, formats: Iterable[str], editions: Iterable[str]
) -> list[Output]:
    return [
        Output(edition, fmt, out_dir / f"{issue_id}{EDITIONS[edition]}{WRITERS[fmt].extension}")
        for edition in editions
        for fmt in formats
    ]


def write_output(
    model: Issue,
    output: Output,
    config: Config,
    timings: dict[str, float] | None = None,
    findings: list[Diagnostic] | None = None,
) -> None:
    """Write one output with its format's writer; `timings` gains seconds per stage.
    `findings` (the preflight's report) are what a proof prints."""
    writer = WRITERS[output.format]
    stages = {} if timings is None else timings
    found = findings or []
    write_atomically(output.path, lambda tmp: writer.write(model, tmp, config, stages, found))


def edition_models(
    issue: Issue, editions: Iterable[str], config: Config, timings: dict[str, float] | None = None
) -> dict[str, Issue]:
    """The model each edition prints (`typeset.transforms.edition_model`), made once for the
    preflight and the writers; `timings` gains their seconds as "transforms"."""
    from typeset.transforms import edition_model

    start = time.perf_counter()
    models = {edition: edition_model(issue, edition, config) for edition in editions}
    if timings is not None:
        timings["transforms"] = timings.get("transforms", 0.0) + time.perf_counter() - start
    return models


def build_issue(
    issue: Issue,
    outputs: list[Output],
    config: Config,
    timings: dict[str, float] | None = None,
    written: list[Output] | None = None,
    models: dict[str, Issue] | None = None,
    findings: list[Diagnostic] | None = None,
) -> None:
    """Write `outputs` of a parsed issue; `written` gains each output once it is in place.
    `models` are its editions' models and `findings` its preflight report when the caller
    has made them already."""
    stages = {} if timings is None else timings
    editions = dict.fromkeys(output.edition for output in outputs)
    if models is None or not set(editions) <= set(models):
        models = edition_models(issue, editions, config, stages)
    if findings is None and any(WRITERS[output.format].proof for output in outputs):
        from typeset import preflight

        findings = preflight.check(issue, config, models)
    for output in outputs:
        write_output(models[output.edition], output, config, stages, findings)
        if written is not None:
            written.append(output)


def build_file(
    path: Path, outputs: list[Output], config: Config, force: bool, debug: bool = False
) -> IssueResult:
    """Read, check and build one issue file; every failure becomes the result's reason.

    Runs in a worker process, so it returns what happened instead of printing it. Warnings
    typeset's modules log become messages, once each, only when `debug` asks for them:
    preflight already reports what they say.
    """
    start = time.perf_counter()
    result = IssueResult(path, "failed")
    with _library_warnings() as warnings:
        _build_file(path, outputs, config, force, debug, result)
    if debug:
        result.messages += [f"typeset: {path}: {w}" for w in dict.fromkeys(warnings)]
    result.seconds = time.perf_counter() - start
    return result


def _build_file(
    path: Path, outputs: list[Output], config: Config, force: bool, debug: bool, result: IssueResult
) -> None:
    from typeset import preflight
    from typeset.errors import InputError
    from typeset.readers import read_issue

    start = time.perf_counter()
    stages = result.timings
    try:
        issue = read_issue(path)
        stages["parse"] = time.perf_counter() - start
        models = edition_models(issue, config.editions, config, stages)
        mark = time.perf_counter()
        diagnostics = preflight.check(issue, config, models)
        stages["preflight"] = time.perf_counter() - mark
        result.messages = [
            preflight.format_diagnostic(path, d) for d in diagnostics if d.severity != "info"
        ]
        if preflight.has_errors(diagnostics) and not force:
            # The proof shows the errors that keep the press outputs back.
            proofs = [output for output in outputs if WRITERS[output.format].proof]
            build_issue(issue, proofs, config, stages, result.outputs, models, diagnostics)
            built = "only the proof built" if proofs else "not built"
            result.reason = f"{built}: errors above (--force builds anyway)"
            result.exit_code = EXIT_FAILED
        else:
            build_issue(issue, outputs, config, stages, result.outputs, models, diagnostics)
            result.state = "built"
    except InputError as exc:
        result.reason, result.exit_code = str(exc), EXIT_BAD_INPUT
    except Exception as exc:
        reason = f"build failed: {type(exc).__name__}: {exc}"
        if debug:
            reason += "\n" + traceback.format_exc().rstrip()
        result.reason, result.exit_code = reason, EXIT_FAILED


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextlib.contextmanager
def _library_warnings() -> Iterator[list[str]]:
    """The warnings typeset's modules log meanwhile, kept for the issue's result: in a worker
    process nothing else would carry them to the parent, and each output would repeat them."""
    collector = _Collector()
    logger = logging.getLogger("typeset")
    logger.addHandler(collector)
    try:
        yield collector.lines
    finally:
        logger.removeHandler(collector)


@dataclass
class _Job:
    path: Path
    outputs: list[Output]
    inputs: dict[Path, dict[str, str]]
    why: str


def _plan(
    files: list[Path],
    out_dir: Path,
    config: Config,
    manifest: Manifest,
    hashes: FileHashes,
    force: bool,
) -> tuple[list[_Job], list[IssueResult]]:
    """Split issue files into jobs to build and results decided without building."""
    shared = shared_inputs(config, hashes)
    jobs: list[_Job] = []
    decided: list[IssueResult] = []
    owners: dict[Path, Path] = {}  # output → the issue file that writes it
    for path in dict.fromkeys(files):
        outputs = planned_outputs(path.stem, out_dir, config.formats, config.editions)
        taken = [o.path for o in outputs if o.path in owners]
        if taken:
            reason = (
                f"would write {taken[0].name} over the output of {owners[taken[0]]}"
                " (issue files need distinct names)"
            )
            decided.append(IssueResult(path, "failed", reason=reason, exit_code=EXIT_BAD_INPUT))
            continue
        owners.update(dict.fromkeys((o.path for o in outputs), path))
        issue_hash = hashes.file(path)
        inputs = {
            o.path: output_inputs(shared, config, path.stem, issue_hash, o.edition, o.format)
            for o in outputs
        }
        reasons = {o: manifest.stale(o.path, inputs[o.path], hashes) for o in outputs}
        if force or issue_hash is None:
            reasons = dict.fromkeys(outputs, "forced" if force else "issue file unreadable")
        stale = [o for o in outputs if reasons[o]]
        if stale:
            why = "; ".join(dict.fromkeys(reasons[o] for o in stale))
            jobs.append(_Job(path, stale, inputs, why))
        else:
            decided.append(IssueResult(path, "up to date", outputs))
    return jobs, decided


def _save(manifest: Manifest, hashes: FileHashes) -> None:
    """Write the manifest with the file hashes this run can vouch for."""
    manifest.files = dict(hashes.seen)
    write_atomically(manifest.path, manifest.write)


def run_build(
    files: list[Path],
    out_dir: Path,
    config: Config,
    reporter: Reporter,
    *,
    jobs: int = 1,
    force: bool = False,
    debug: bool = False,
) -> int:
    """Build every issue file's outputs that are not up to date; the worst exit status.

    With `jobs` > 1 issues are built in that many worker processes, largest file first so
    the slowest issue does not start last. Every issue is attempted whatever others do.
    """
    if out_dir.is_dir():
        for path in remove_stale_partials(out_dir):
            reporter.message(f"typeset: removed {path}, left by an interrupted build")
    manifest = Manifest.load(out_dir)
    hashes = FileHashes(manifest.files)
    todo, decided = _plan(files, out_dir, config, manifest, hashes, force)
    status = 0

    def finish(result: IssueResult, job: _Job | None) -> None:
        nonlocal status
        result.why = job.why if job else ""
        for line in result.messages:
            reporter.message(line)
        if job is not None:
            for output in result.outputs:
                manifest.record(output.path, job.inputs[output.path], hashes)
            if result.outputs:
                _save(manifest, hashes)
        status = max(status, result.exit_code)
        reporter.issue(result)

    for result in decided:
        finish(result, None)
    todo.sort(key=lambda job: _size(job.path), reverse=True)
    workers = max(1, min(jobs, len(todo)))
    if workers == 1:
        for job in todo:
            finish(build_file(job.path, job.outputs, config, force, debug), job)
    else:
        _run_parallel(todo, config, force, debug, workers, finish)
    if hashes.seen != manifest.files and out_dir.is_dir():
        # Only the hash cache is new: worth keeping, not worth failing a build over.
        with contextlib.suppress(OSError):
            _save(manifest, hashes)
    return status


def _run_parallel(
    todo: list[_Job],
    config: Config,
    force: bool,
    debug: bool,
    workers: int,
    finish: Callable[[IssueResult, _Job], None],
) -> None:
    # Only here: a build of one issue, or of none, never starts a worker.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # Imported once here, the stages are shared by the forked workers instead of each
    # worker importing them again.
    import typeset.preflight  # noqa: F401
    from typeset.readers import READERS

    for reader in READERS.values():
        importlib.import_module(reader.module)

    pool = None
    # SIGINT is held while the workers are forked, so none is interrupted before it ignores it.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        try:
            pool = ProcessPoolExecutor(workers, initializer=_ignore_interrupts, initargs=(held,))
            futures = {
                pool.submit(build_file, job.path, job.outputs, config, force, debug): job
                for job in todo
            }
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        pending = set(futures)
        while pending:
            # Woken often: a Ctrl-C the kernel gave another thread is only seen by this one
            # once its wait returns, and an endless wait would never return.
            done, pending = wait(pending, timeout=_WAKE, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = IssueResult(
                        job.path, "failed", reason="worker process died", exit_code=EXIT_FAILED
                    )
                finish(result, job)
    except BaseException:
        if pool is not None:
            _stop(pool)
        raise
    pool.shutdown()


# How often the parent of a parallel build wakes to see a Ctrl-C, in seconds.
_WAKE = 0.25


def _ignore_interrupts(mask: set[signal.Signals]) -> None:
    """In a worker: Ctrl-C, sent to every process of the terminal's group, is the parent's
    to handle (it stops the workers and says so once), so no worker prints a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End an interrupted run now: drop the queued issues and end the workers mid-issue.

    Their temporaries are removed by the next build; waiting for them to finish would keep
    an interrupted command running for as long as the slowest issue being built.
    """
    # The executor offers no public way to end its workers; `_processes` maps pid → Process.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
