"""Which outputs are up to date: a manifest of what each output was built from.

For every output the manifest, kept beside the outputs, records digests of everything its bytes
depend on: the issue file, the templates, fonts, pictures and colour profile, the settings
that shape it, `SOURCE_DATE_EPOCH`, and the toolchain (typeset's version and sources, the
versions of the libraries that lay out and package), and the output's own hash. An output is
rebuilt when one of those inputs changed, or when it is missing or was altered.

Hashing all of fonts/ (~26 MB) takes ~120 ms, more than the rest of a no-op build, so file
hashes are cached in the manifest keyed on (size, mtime_ns, ctime_ns): a file whose stat is
unchanged reuses its hash, any other is read and hashed again, so touching a file without
changing it costs one hash and no rebuild. ctime cannot be set back by tools that copy
timestamps, and a hash taken within `RACY_NS` of the file's last change is not cached, since a
second write in the same clock tick would leave the stat unchanged (git's "racy clean" case).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field, fields
from importlib.metadata import distributions
from pathlib import Path

from typeset.config import Config
from typeset.dates import source_date_epoch
from typeset.writers import WRITERS

MANIFEST_NAME = ".typeset-manifest.json"
FORMAT_VERSION = 2
RACY_NS = 2_000_000_000
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # typeset/
# Libraries whose version can change an output's bytes: every one typeset imports (Pillow
# draws the EPUB cover, Jinja2 and MarkupSafe render the templates), and those WeasyPrint lays
# out and subsets fonts with.
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "fonttools",
    "ebooklib",
    "lxml",
    "opencc",
    "uharfbuzz",
    "pillow",
    "jinja2",
    "markupsafe",
)
# Settings that only the traditional edition depends on, and those that shape no output (the
# lists of editions and formats to build). A writer names the settings that shape only some
# editions of its format (`Writer.edition_settings`); the rest shape every output.
TRADITIONAL_ONLY = ("opencc_config", "phrase_overrides")
NOT_CONTENT = ("editions", "formats")


def _digest(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class FileHashes:
    """sha256 of files and folders, reusing hashes from an earlier run for unchanged stats."""

    def __init__(self, cache: dict[str, list]) -> None:
        self.cache = cache
        self.seen: dict[str, list] = {}

    def file(self, path: Path) -> str | None:
        """The file's content hash, or None when it is missing or unreadable."""
        name = os.path.abspath(path)
        try:
            stat = os.stat(name)
            key = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
            cached = self.cache.get(name)
            if cached and cached[:3] == key:
                digest = cached[3]
            else:
                with open(name, "rb") as stream:
                    digest = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError:
            return None
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > RACY_NS:
            self.seen[name] = [*key, digest]
        return digest

    def tree(self, folder: Path, suffix: str = "") -> str:
        """One hash of the names and contents of the files under `folder` ending in `suffix`.

        Hidden files and folders (editor swap files, caches) do not count; a missing folder
        hashes as empty.
        """
        entries = []
        for top, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                if not name.startswith(".") and name.endswith(suffix):
                    path = Path(top, name)
                    entries.append((path.relative_to(folder).as_posix(), self.file(path)))
        return _digest(entries)


def _library_versions() -> dict[str, str]:
    """One pass over the installed distributions (asking by name scans once per name)."""
    versions = {}
    for dist in distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name in LIBRARIES:
            versions[name] = dist.version
    return versions


def shared_inputs(config: Config, hashes: FileHashes) -> dict[str, object]:
    """The dependencies every output of a build has in common."""
    import typeset

    return {
        "typeset": typeset.__version__,
        "sources": hashes.tree(PACKAGE_DIR, ".py"),
        "libraries": _library_versions(),
        "templates": hashes.tree(config.templates_dir),
        "fonts": hashes.tree(config.fonts_dir),
        "images": hashes.tree(config.image_dir),
        "color_profile": hashes.file(config.color_profile),
        # Parsed, so " 123" and "123" agree; a bad value raises ValueError before any build.
        "source_date_epoch": source_date_epoch(),
    }


def output_inputs(
    shared: dict[str, object],
    config: Config,
    issue_id: str,
    issue_hash: str | None,
    edition: str,
    fmt: str,
) -> dict[str, str]:
    """Digests of everything one output (an issue's edition in a format) depends on, by name,
    so a rebuild can say what changed."""
    skip = set(NOT_CONTENT)
    if WRITERS[fmt].proof:
        skip.discard("editions")  # it prints the preflight, which checks every edition built
    if edition != "traditional":
        skip.update(TRADITIONAL_ONLY)
    for writer in WRITERS.values():
        for name, editions in writer.edition_settings.items():
            if writer.format != fmt or edition not in editions:
                skip.add(name)
    settings = {f.name: getattr(config, f.name) for f in fields(config) if f.name not in skip}
    settings["issues"] = config.issue_info(issue_id)  # another issue's date changes nothing here
    inputs = {"issue": issue_hash, **shared, "settings": settings}
    inputs["output"] = [FORMAT_VERSION, edition, fmt]
    return {name: _digest(value) for name, value in inputs.items()}


def _items(table: object) -> list[tuple[str, object]]:
    return list(table.items()) if isinstance(table, dict) else []


def _output_entry(entry: object) -> bool:
    """{"inputs": {name: digest}, "sha256": digest}, as `Manifest.record` writes it."""
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        return False
    inputs = entry.get("inputs")
    return isinstance(inputs, dict) and all(isinstance(d, str) for d in inputs.values())


def _file_entry(entry: object) -> bool:
    """[size, mtime_ns, ctime_ns, sha256], as `FileHashes.file` keeps it."""
    return (
        isinstance(entry, list)
        and len(entry) == 4
        and all(type(n) is int for n in entry[:3])
        and isinstance(entry[3], str)
    )


@dataclass
class Manifest:
    """Output file name → {"inputs": digests of its inputs, "sha256": the output's own hash}."""

    path: Path
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, list] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The manifest in `out_dir`; an absent, unreadable or foreign one is empty."""
        path = out_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            return cls(path)
        outputs, files = data.get("outputs"), data.get("files")
        # A hand-edited or damaged entry counts as absent: its output is built again.
        return cls(
            path,
            {k: v for k, v in _items(outputs) if _output_entry(v)},
            {k: v for k, v in _items(files) if _file_entry(v)},
        )

    def stale(self, output: Path, inputs: dict[str, str], hashes: FileHashes) -> str | None:
        """Why `output` must be built again, or None when it is up to date."""
        entry = self.outputs.get(output.name)
        if entry is None:
            return "new"
        changed = [name for name, digest in inputs.items() if entry["inputs"].get(name) != digest]
        if changed:
            return f"{', '.join(changed)} changed"
        digest = hashes.file(output)
        if digest is None:
            return "output missing"
        return "output altered" if digest != entry["sha256"] else None

    def record(self, output: Path, inputs: dict[str, str], hashes: FileHashes) -> None:
        digest = hashes.file(output)
        if digest is not None:
            self.outputs[output.name] = {"inputs": inputs, "sha256": digest}

    def write(self, target: Path) -> None:
        data = {"format": FORMAT_VERSION, "outputs": self.outputs, "files": self.files}
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
