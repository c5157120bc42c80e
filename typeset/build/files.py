"""Outputs written whole or not at all, and the temporaries a killed build leaves behind.

Each output is written to a temporary file beside its target, flushed to disk and renamed
into place, so a failed or interrupted build leaves the previous output or nothing, never
half a file; a later build removes the temporaries a killed build left behind.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
# A temporary older than this is stale even if its writer's process id was reused.
STALE_PARTIAL_SECONDS = 3600


def _partial_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}")


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary path in the target's folder, then rename it into place.

    The temporary is flushed to disk before the rename, and the folder after it, so after a
    crash the target holds the old bytes or the new ones, whole.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _partial_name(target)
    try:
        write(temporary)
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so a rename in it survives a crash.

    Some filesystems refuse to sync a folder; the rename then is as durable as they allow.
    """
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _alive(pid: int) -> bool:
    """Whether process `pid` runs; a zombie (killed, not yet reaped) writes nothing more."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def remove_stale_partials(out_dir: Path) -> list[Path]:
    """Delete temporaries in `out_dir` whose writing process is gone (killed builds)."""
    removed = []
    for path in out_dir.glob(f".*{PARTIAL_SUFFIX}"):
        pid = path.name.removesuffix(PARTIAL_SUFFIX).rpartition(".")[2]
        try:
            old = time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS
            if old or not pid.isdigit() or not _alive(int(pid)):
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed
