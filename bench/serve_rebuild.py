"""`typeset serve` over many rebuilds: each rebuild's time, and the memory of its parent.

Runs the real command on a copy of an issue file (a free port, a temporary folder), then
touches the file `--rebuilds` times, each time once the last rebuild has ended, and reads
the resident memory of the warm parent (VmRSS in /proc) as it goes. For comparison, as
many renders in one process (this one, one FontConfiguration kept, as a warm process that
does not fork would do), with this process's memory at the same points.

    .venv/bin/python bench/serve_rebuild.py [--rebuilds 100] [ISSUE_FILE]

Target (issue #14): the parent's memory flat over 100 rebuilds (grows by less than 2 MB
from the first rebuild to the last).
Exits 1 if it grows more.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLAT_KB = 2048
ENDED = ("built", "failed")
DEADLINE = 120


def rss_kb(pid: int | str = "self") -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def wait_for(found):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        try:
            if value := found():
                return value
        except (OSError, ValueError):  # not listening yet, or a status being replaced
            pass
        time.sleep(0.02)
    raise SystemExit("typeset serve did not answer in time")


def served(issue: Path, rebuilds: int, marks: list[int]) -> tuple[list[float], dict[int, int]]:
    """Seconds of each rebuild (as the rebuild measured it) and the parent's RSS at `marks`."""
    with tempfile.TemporaryDirectory(prefix="typeset-bench-serve-") as folder:
        work = Path(folder)
        file = work / "issue.txt"
        shutil.copy(issue, file)
        log = work / "serve.log"
        command = [sys.executable, "-m", "typeset.cli", "serve", str(file), "--port", "0"]
        with log.open("w") as output:
            process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=output)
        try:
            url = wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+/", log.read_text())).group()

            def status() -> dict:
                with urllib.request.urlopen(url + "status.json", timeout=DEADLINE) as response:
                    return json.loads(response.read())

            def ended(after: int) -> dict:
                def done() -> dict | None:
                    found = status()
                    return found if found["rebuild"] > after and found["state"] in ENDED else None

                return wait_for(done)

            last = ended(0)
            seconds, sizes = [], {}
            for _ in range(rebuilds):
                later = time.time_ns() + 10**9 * (last["rebuild"] + 1)
                os.utime(file, ns=(later, later))
                last = ended(last["rebuild"])
                if last["state"] != "built":
                    raise SystemExit(last["message"])
                seconds.append(last["seconds"])
                done = len(seconds)
                if done in marks:
                    sizes[done] = rss_kb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=DEADLINE)
    return seconds, sizes


def in_process(issue: Path, renders: int, marks: list[int]) -> tuple[list[float], dict]:
    """Seconds of each render in this process, one FontConfiguration kept (a warm process
    that does not fork), and this process's RSS after the renders of `marks`."""
    from typeset.config import Config
    from typeset.readers import read_issue
    from typeset.transforms import edition_model
    from typeset.writers.pdf.render import FontConfiguration, remove_font_copies, render_pdf

    config = Config()
    model = edition_model(read_issue(issue), "simplified", config)
    fonts = FontConfiguration()
    seconds, sizes = [], {}
    try:
        for done in range(1, renders + 1):
            start = time.perf_counter()
            render_pdf(model, config, font_config=fonts)
            seconds.append(time.perf_counter() - start)
            if done in marks:
                sizes[done] = rss_kb()
    finally:
        remove_font_copies(fonts)
    return seconds, sizes


def report(label: str, seconds: list[float], sizes: dict[int, int]) -> int:
    """Print a row of times and memory; the growth in kB from the first mark to the last."""
    print(f"  {label}: median {statistics.median(seconds):.3f} s (min {min(seconds):.3f})")
    print("    RSS after " + ", ".join(f"{n}: {kb / 1024:.1f} MB" for n, kb in sizes.items()))
    first, last = min(sizes), max(sizes)
    growth = sizes[last] - sizes[first]
    print(f"    growth from {first} to {last}: {growth / 1024:+.1f} MB")
    return growth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("issue", nargs="?", help="issue file (default: the first seed)")
    parser.add_argument("--rebuilds", type=int, default=100)
    args = parser.parse_args()
    issue = Path(args.issue) if args.issue else sorted((ROOT / "seeds").glob("*.txt"))[0]
    marks = sorted({1, 10, 25, 50, args.rebuilds} & set(range(1, args.rebuilds + 1)))
    print(f"{issue.name}: {args.rebuilds} rebuilds by typeset serve, then as many renders")
    label = "serve's rebuilds, forked (read, check, preview, PDF, all written)"
    growth = report(label, *served(issue, args.rebuilds, marks))
    report("render_pdf in one warm process", *in_process(issue, args.rebuilds, marks))
    verdict = "flat" if growth < FLAT_KB else "GROWS"
    print(f"{verdict}: serve's parent is to grow by less than {FLAT_KB // 1024} MB")
    return 0 if growth < FLAT_KB else 1


if __name__ == "__main__":
    sys.exit(main())
