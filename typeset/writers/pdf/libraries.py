"""WeasyPrint 70's C libraries, opened by their sonames instead of guessed names.

`typeset.writers.pdf` calls `import_weasyprint()` before any of its modules imports
WeasyPrint (whose `text.ffi` module opens Pango, HarfBuzz, Fontconfig and GObject when
imported), so every part of typeset that lays out goes through it.

Why: `weasyprint/text/ffi.py` tries up to six names per library (Windows, macOS and Linux
spellings) with `cffi.FFI.dlopen`, and cffi hands every name that fails to load to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc` and `ld`, for each
miss: about 50 child processes, 0.2-0.4 s of every process that lays out a PDF. Here
`find_library` answers each of those names with the library's Linux soname, which dlopen
finds through ld.so's cache and LD_LIBRARY_PATH as any installed library is found; no
child process runs. (WeasyPrint 70 has no setting for this on Linux:
`WEASYPRINT_DLL_DIRECTORIES` is read on Windows only.) A library not installed under its
soname stays missing, as it would for WeasyPrint (HarfBuzz's vector library is optional and
absent from Debian 12).

Pinned to WeasyPrint 70: `SONAMES` lists every name its `ffi.py` passes to `_dlopen`.
tests/test_libraries.py fails if WeasyPrint names other libraries or other spellings, if a
child process runs, or if other library files end up loaded than WeasyPrint's own search
loads. A name missing from `SONAMES` takes WeasyPrint's own search (slow, still right).
Other systems than Linux keep WeasyPrint's own search.
"""

from __future__ import annotations

import sys

# Linux soname -> the names WeasyPrint 70's text/ffi.py tries for that library, in its order.
SONAMES: dict[str, tuple[str, ...]] = {
    "libgobject-2.0.so.0": (
        "libgobject-2.0-0",
        "gobject-2.0-0",
        "gobject-2.0",
        "libgobject-2.0.so.0",
        "libgobject-2.0.0.dylib",
        "libgobject-2.0-0.dll",
    ),
    "libpango-1.0.so.0": (
        "libpango-1.0-0",
        "pango-1.0-0",
        "pango-1.0",
        "libpango-1.0.so.0",
        "libpango-1.0.dylib",
        "libpango-1.0-0.dll",
    ),
    "libharfbuzz.so.0": (
        "libharfbuzz-0",
        "harfbuzz",
        "harfbuzz-0.0",
        "libharfbuzz.so.0",
        "libharfbuzz.0.dylib",
        "libharfbuzz-0.dll",
    ),
    "libharfbuzz-subset.so.0": (
        "libharfbuzz-subset-0",
        "harfbuzz-subset",
        "harfbuzz-subset-0.0",
        "libharfbuzz-subset.so.0",
        "libharfbuzz-subset.0.dylib",
        "libharfbuzz-subset-0.dll",
    ),
    "libharfbuzz-vector.so.0": (
        "libharfbuzz-vector-0",
        "harfbuzz-vector",
        "harfbuzz-vector-0.0",
        "libharfbuzz-vector.so.0",
        "libharfbuzz-vector.0.dylib",
        "libharfbuzz-vector-0.dll",
    ),
    "libfontconfig.so.1": (
        "libfontconfig-1",
        "fontconfig-1",
        "fontconfig",
        "libfontconfig.so.1",
        "libfontconfig.1.dylib",
        "libfontconfig-1.dll",
    ),
    "libpangoft2-1.0.so.0": (
        "libpangoft2-1.0-0",
        "pangoft2-1.0-0",
        "pangoft2-1.0",
        "libpangoft2-1.0.so.0",
        "libpangoft2-1.0.dylib",
        "libpangoft2-1.0-0.dll",
    ),
}


def import_weasyprint() -> None:
    """Import WeasyPrint's `text.ffi` (and so WeasyPrint) with the libraries opened by
    soname; a no-op once it is imported, or on systems other than Linux."""
    if "weasyprint.text.ffi" in sys.modules or not sys.platform.startswith("linux"):
        return
    import ctypes.util

    by_name = {name: soname for soname, names in SONAMES.items() for name in names}
    search = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return by_name.get(name) or search(name)

    ctypes.util.find_library = find_library
    try:
        import weasyprint.text.ffi  # noqa: F401
    finally:
        ctypes.util.find_library = search
