"""Score the reader on simulated issue files, one seed held out at a time.

For each of the five seeds, issues are laid out and damaged by tests/simulate.py from that
seed's gold articles only (so a reader tuned on the other four meets text it never saw),
parsed by the current reader and scored against the simulator's exact gold with the shared
score.py. Prints a table per held-out seed, the mean over all, the mean scores of the issues
that use each layout variant (lowest first: the variants that hurt), and the time taken. A
reader exception scores 0 on every metric and is reported.

    .venv/bin/python bench/parse_accuracy.py [--count 400] [--seeds 000,003] [--first-seed 0]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import simulate  # noqa: E402


def parse(text: str, issue_id: str) -> dict:
    """The current reader's model of `text` (the one place that knows where it lives)."""
    from typeset.readers.newspaper import parse_text

    return parse_text(text, issue_id).to_dict()


SHARED = Path(os.environ.get("TYPESET_SHARED", ROOT.parent / "shared"))
ARTICLE_MODEL = SHARED / "article-model"
METRICS = ("headlines", "paragraphs", "subheads", "figures", "attrs")


def shared_module(name: str) -> ModuleType:
    path = ARTICLE_MODEL / f"{name}.py"
    if not path.exists():
        sys.exit(f"{path} not found (set TYPESET_SHARED to the shared/ folder)")
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_seed(stem: str, count: int, first: int, score: ModuleType) -> list[dict]:
    """One row per simulated issue: its metrics, whether the article count matched, its
    variants, and the reader's exception if it raised one."""
    pool = simulate.source_articles(ARTICLE_MODEL / "gold", [stem])
    rows = []
    for seed in range(first, first + count):
        issue = simulate.simulate(pool, seed)
        row = {"seed": seed, "variants": issue.variants, "error": None}
        try:
            result = score.score(issue.gold, parse(issue.text, issue.gold["id"]))
            row.update({m: result[m] for m in METRICS})
            found, wanted = result["articles"].split("/")
            row["count"] = float(found == wanted)
        except Exception as exc:  # noqa: BLE001 - a reader defect scores 0, reported below
            row.update(dict.fromkeys((*METRICS, "count"), 0.0))
            row["error"] = f"{type(exc).__name__}: {exc}"
        rows.append(row)
    return rows


def mean(rows: list[dict], key: str) -> float:
    return sum(r[key] for r in rows) / len(rows) if rows else 0.0


def overall(row: dict) -> float:
    return sum(row[m] for m in METRICS) / len(METRICS)


def line(label: str, rows: list[dict], width: int = 24) -> str:
    cells = " ".join(f"{mean(rows, k):>9.3f}" for k in (*METRICS, "count"))
    return f"{label:<{width}} {len(rows):>6} {cells} {sum(map(overall, rows)) / len(rows):>8.3f}"


def header(label: str, width: int = 24) -> str:
    cells = " ".join(f"{k:>9}" for k in (*METRICS, "count"))
    return f"{label:<{width}} {'issues':>6} {cells} {'mean':>8}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=400, help="issues per held-out seed")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--seeds", default="", help="comma-separated stem prefixes (default all)")
    args = parser.parse_args()
    score = shared_module("score")
    fidelity = shared_module("fidelity")
    stems = sorted(p.stem for p in (ARTICLE_MODEL / "gold").glob("*.json"))
    if args.seeds:
        stems = [s for s in stems if s.startswith(tuple(args.seeds.split(",")))]

    started = time.perf_counter()
    by_seed: dict[str, list[dict]] = {}
    for stem in stems:
        by_seed[stem] = run_seed(stem, args.count, args.first_seed, score)
    elapsed = time.perf_counter() - started

    # The simulator's own promise, checked on the same issues.
    unfaithful = 0
    for stem in stems:
        pool = simulate.source_articles(ARTICLE_MODEL / "gold", [stem])
        for row in by_seed[stem]:
            issue = simulate.simulate(pool, row["seed"])
            kept = fidelity.rebuild(issue.gold) + "".join(issue.repeated_banners)
            unfaithful += Counter(fidelity.norm(kept)) != Counter(fidelity.norm(issue.text))

    print("Reader on simulated issues, one seed held out at a time (count = article count")
    print("matched; mean = mean of the five metrics)\n")
    print(header("held-out seed"))
    every = []
    for stem, rows in by_seed.items():
        print(line(stem, rows))
        every += rows
    print(line("all", every))

    print("\nBy variant (issues using it), lowest mean first\n")
    print(header("variant", 28))
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in every:
        for variant in row["variants"]:
            groups[variant].append(row)
    ranked = sorted(groups.items(), key=lambda kv: sum(map(overall, kv[1])) / len(kv[1]))
    for variant, rows in ranked:
        print(line(variant, rows, 28))

    errors = [(stem, r) for stem, rows in by_seed.items() for r in rows if r["error"]]
    print(f"\nreader exceptions: {len(errors)}")
    for stem, row in errors[:10]:
        print(f"  {stem} seed {row['seed']}: {row['error'][:160]}")
    print(f"simulator fidelity failures: {unfaithful}")
    per_issue = elapsed / max(len(every), 1) * 1000
    total = time.perf_counter() - started
    print(f"time: {elapsed:.1f} s to simulate, parse and score {len(every)} issues", end=" ")
    print(f"({per_issue:.1f} ms each); {total:.1f} s in all (with the fidelity check)")


if __name__ == "__main__":
    main()
