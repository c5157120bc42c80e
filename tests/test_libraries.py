"""typeset.writers.pdf.libraries: WeasyPrint's C libraries by soname, pinned to WeasyPrint 70's
names."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from typeset.writers.pdf.libraries import SONAMES

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="sonames are resolved on Linux only"
)

# Imports WeasyPrint in a fresh process, counting child processes, and prints the library
# files the process then has mapped; argv[1] says whether typeset's print writer goes first.
IMPORT_AND_REPORT = """
import json, subprocess, sys
spawned = []
class Popen(subprocess.Popen):
    def __init__(self, args, *rest, **options):
        spawned.append(args)
        super().__init__(args, *rest, **options)
subprocess.Popen = Popen
if sys.argv[1] == "typeset":
    import typeset.writers.pdf
import weasyprint
with open("/proc/self/maps") as maps:
    files = {line.split()[-1] for line in maps if ".so" in line}
print(json.dumps({"spawned": [str(a) for a in spawned], "files": sorted(files)}))
"""


def weasyprint_ffi_source() -> str:
    spec = importlib.util.find_spec("weasyprint")
    return (Path(spec.origin).parent / "text" / "ffi.py").read_text()


def test_the_names_are_weasyprint_70s():
    """Every `_dlopen(ffi, ...)` call of WeasyPrint's text/ffi.py, names in order, is in
    SONAMES with the Linux soname among its names: a WeasyPrint update that changes them
    fails here, and typeset/writers/pdf/libraries.py needs porting."""
    import weasyprint

    assert weasyprint.__version__.startswith("70.")
    calls = re.findall(r"= _dlopen\(\s*ffi,(.*?)\)", weasyprint_ffi_source(), re.DOTALL)
    found = []
    for arguments in calls:
        names = ast.literal_eval(
            "(" + re.sub(r",\s*allow_fail=\w+", "", arguments).strip().rstrip(",") + ",)"
        )
        found.append(names)
    assert sorted(found) == sorted(SONAMES.values())
    for soname, names in SONAMES.items():
        assert soname in names


def import_weasyprint(first: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_REPORT, first], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_importing_weasyprint_runs_no_child_process():
    assert import_weasyprint("typeset")["spawned"] == []


def test_the_same_library_files_are_loaded_as_by_weasyprints_search():
    ours, theirs = import_weasyprint("typeset"), import_weasyprint("weasyprint")
    assert theirs["spawned"], "WeasyPrint's own search no longer runs find_library"
    libraries = re.compile(r"/lib(gobject|glib|pango|pangoft2|harfbuzz|fontconfig)[-.]")
    ours_files = [f for f in ours["files"] if libraries.search(f)]
    assert ours_files == [f for f in theirs["files"] if libraries.search(f)]
    assert any("libharfbuzz-subset" in f for f in ours_files)
