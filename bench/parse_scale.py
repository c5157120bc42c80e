"""Time `reader.read_issue` on synthetic issue files of 1, 2, 5 and 10 MB (UTF-8).

Parsing must be linear in the file's size: the time per MB (and so MB/s) should stay level
as the file grows. The files are built from the seeds' own articles, so the reader does its
real work (banners, kickers, bylines, sub-head series, captions, paragraphs split across
breaks, sources): each copy of an article gets a different share of its Han characters
replaced by others from the seeds, and its blank-line breaks widened or narrowed, so no two
copies are alike. A second series drops every source "(转自…)", so articles only end where a new
headline is recognised, the reader's hardest case.

    .venv/bin/python bench/parse_scale.py [--sizes 1,2,5,10]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from typeset.readers import read_issue  # noqa: E402

MB = 1_000_000
SOURCE_LINE = re.compile(r"^[(（]转自.*[)）]\s*$")
SOURCE = re.compile(r"[(（]转自[^()（）]*[)）]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def seed_articles() -> tuple[list[str], list[str]]:
    """The seeds cut after each source line (an article, with any banner before it), and
    the seeds' Han characters."""
    chunks: list[str] = []
    text = ""
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        seed = path.read_text(encoding="utf-8")
        text += seed
        current: list[str] = []
        for line in seed.split("\n"):
            current.append(line)
            if SOURCE_LINE.match(line.strip()):
                chunks.append("\n".join(current).strip("\n"))
                current = []
    return chunks, sorted(set(HAN.findall(text)))


def perturb(chunk: str, han: list[str], rng: random.Random) -> str:
    """A copy of an article with some Han characters changed and its breaks re-spaced."""
    share = rng.uniform(0.05, 0.3)
    chars = [rng.choice(han) if HAN.match(c) and rng.random() < share else c for c in chunk]
    text = "".join(chars)
    return re.sub(r"\n{3,}", lambda m: "\n" * rng.choice([3, 4, 5]), text)


def synthetic(size: int, with_sources: bool, rng: random.Random) -> str:
    chunks, han = seed_articles()
    parts: list[str] = []
    total = 0
    while total < size:
        chunk = perturb(rng.choice(chunks), han, rng)
        if not with_sources:
            chunk = SOURCE.sub("", chunk)
        parts.append(chunk)
        total += len(chunk.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def run(sizes: list[int], with_sources: bool) -> None:
    label = "with sources" if with_sources else "no source lines"
    print(f"\n{label}:")
    print(f"{'size':>8} {'seconds':>9} {'MB/s':>7} {'s/MB':>7} {'vs first':>9} {'articles':>9}")
    first: float | None = None
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in sizes:
            path = Path(folder) / f"issue-{megabytes}mb.txt"
            path.write_text(synthetic(megabytes * MB, with_sources, random.Random(megabytes)))
            size = path.stat().st_size / MB
            start = time.perf_counter()
            issue = read_issue(path)
            seconds = time.perf_counter() - start
            per_mb = seconds / size
            first = first or per_mb
            print(
                f"{size:7.2f}M {seconds:9.2f} {size / seconds:7.2f} {per_mb:7.3f}"
                f" {per_mb / first:8.2f}x {len(issue.articles):9d}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,5,10", help="sizes in MB, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("'vs first' is the time per MB relative to the smallest file: ~1.0x means linear.")
    run(sizes, with_sources=True)
    run(sizes, with_sources=False)


if __name__ == "__main__":
    main()
