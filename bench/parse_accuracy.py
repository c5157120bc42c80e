"""How well the reader reads issues it has never seen: leave one seed out.

For each of the five seeds, the layout parse's weights are fitted on issues simulated
(tests/simulate.py) from the other four seeds' articles only, then scored on issues
simulated from the held-out seed's articles, against the simulator's exact gold, with the
shared score.py. One table row per held-out seed: the mean of each metric, the share of
issues whose article count is right, and the share read entirely right. Then, for the
`uncertain-structure` warning: the share of misread issues it flags (it should flag most)
and of issues read right (it should flag few). Also the variants that hurt most.

    .venv/bin/python bench/parse_accuracy.py [--train 2500] [--epochs 10] [--count 400] [--jobs N]

Each fold fits as scripts/fit-reader does (2,500 simulated issues, ten epochs), about ten
minutes on one core; the folds are independent and run on every core (`--jobs`).

Targets (issue #12), on >= 2,000 simulated issues: headlines and articles >= 0.99, sub-heads
>= 0.98, attributes >= 0.98, paragraphs >= 0.99, figures >= 0.99; uncertain-structure on at
least half of the misread issues and on under 5 % of those read right.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fitting import fit, issues  # noqa: E402
from tests.simulate import simulate, source_articles  # noqa: E402
from typeset.readers import layout  # noqa: E402
from typeset.readers.plaintext import units  # noqa: E402

SHARED = Path(os.environ.get("TYPESET_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "article-model" / "gold"
SWEEP = (4, 8, 12, 16, 20, 24, 32)  # uncertain-structure thresholds to report
METRICS = ("headlines", "paragraphs", "subheads", "figures", "attrs", "articles")
TARGETS = {
    "headlines": 0.99,
    "paragraphs": 0.99,
    "subheads": 0.98,
    "figures": 0.99,
    "attrs": 0.98,
    "articles": 0.99,
}
TEST_SEEDS = 1_000_000  # simulated test issues start here, far from the training ones


def scorer() -> ModuleType:
    path = SHARED / "article-model" / "score.py"
    if not path.exists():
        sys.exit(f"{path} not found (set TYPESET_SHARED to the shared/ folder)")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def held_out(stem: str, stems: list[str], args: argparse.Namespace) -> list[dict]:
    """Fit without `stem`'s articles, then read issues made of them: a row per issue."""
    score = scorer()
    others = source_articles(GOLD, [s for s in stems if s != stem])
    weights = fit(issues(others, args.train), epochs=args.epochs, log=False)
    pool = source_articles(GOLD, [stem])
    rows = []
    for seed in range(TEST_SEEDS, TEST_SEEDS + args.count):
        issue = simulate(pool, seed)
        recovered = layout.recover(units(issue.text), issue.gold["id"], weights=weights)
        read = recovered.issue
        scores = score.score(issue.gold, read.to_dict())
        found, wanted = scores["articles"].split("/")
        scores["articles"] = float(found == wanted)
        row = {m: float(scores[m]) for m in METRICS}
        row["right"] = all(row[m] == 1.0 for m in METRICS)
        row["flagged"] = any(d.code == "uncertain-structure" for d in read.diagnostics)
        reading = recovered.reading
        row["margin"] = min(
            (m for m, r in zip(reading.margins, reading.runner_up, strict=True) if r >= 0),
            default=float("inf"),
        )
        row["variants"] = issue.variants
        rows.append(row)
    return rows


def table_line(label: str, rows: list[dict]) -> str:
    means = [sum(r[m] for r in rows) / len(rows) for m in METRICS]
    right = sum(r["right"] for r in rows) / len(rows)
    return f"{label:<10}" + "".join(f"{v:>11.4f}" for v in means) + f"{right:>11.4f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=2500, help="simulated training issues")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--count", type=int, default=400, help="test issues per seed")
    parser.add_argument("--jobs", type=int, default=min(5, os.cpu_count() or 1))
    args = parser.parse_args()
    scorer()
    stems = sorted(p.stem for p in GOLD.glob("*.json"))
    start = time.perf_counter()
    print(f"{'held out':<10}" + "".join(f"{m:>11}" for m in (*METRICS, "all right")))
    every: list[dict] = []
    folds_met = True
    with multiprocessing.Pool(args.jobs) as pool:
        folds = pool.imap(functools.partial(held_out, stems=stems, args=args), stems)
        for stem, rows in zip(stems, folds, strict=True):
            every += rows
            print(table_line(stem[:3], rows), flush=True)
            folds_met &= all(sum(r[m] for r in rows) / len(rows) >= TARGETS[m] for m in METRICS)
    print(table_line("all", every))
    print("targets   " + "".join(f"{TARGETS[m]:>11.2f}" for m in METRICS))
    wrong = [r for r in every if not r["right"]]
    right = [r for r in every if r["right"]]
    caught = sum(r["flagged"] for r in wrong) / len(wrong) if wrong else 1.0
    false = sum(r["flagged"] for r in right) / len(right) if right else 0.0
    print(
        f"\nuncertain-structure: on {caught:.1%} of the {len(wrong)} misread issues (target"
        f" >= 50 %), on {false:.1%} of the {len(right)} read right (target < 5 %)"
    )
    print(f"  at other thresholds (now {layout.UNCERTAIN_MARGIN:g}): misread / right flagged")
    for threshold in SWEEP:
        caught = sum(r["margin"] < threshold for r in wrong) / max(len(wrong), 1)
        false = sum(r["margin"] < threshold for r in right) / max(len(right), 1)
        print(f"  {threshold:>4g}  {caught:6.1%}  {false:6.1%}")
    by_variant: dict[str, list[dict]] = defaultdict(list)
    for row in every:
        for variant in row["variants"]:
            by_variant[variant].append(row)
    worst = sorted(by_variant.items(), key=lambda kv: sum(r["right"] for r in kv[1]) / len(kv[1]))
    print("\nvariants by share of issues read entirely right (lowest first):")
    for variant, rows in worst[:8]:
        print(f"  {variant:<28} {sum(r['right'] for r in rows) / len(rows):.3f}  ({len(rows)})")
    print(f"\n{len(every)} issues in {time.perf_counter() - start:.0f} s")
    return 0 if folds_met and caught >= 0.5 and false < 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
