"""Time `preflight.check` on synthetic issues of 1, 2, 4 and 8 MB (UTF-8).

The duplicate-passage check must stay linear: each doubling of the issue should roughly
double the time. Text is drawn at random from the seeds' own Han characters, so the fonts
can draw it and no 20-character passage repeats except the one planted at the end.

    .venv/bin/python bench/preflight_scale.py
"""

from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from typeset import preflight  # noqa: E402
from typeset.config import Config  # noqa: E402
from typeset.model import Article, Figure, Issue, Paragraph  # noqa: E402

PARAGRAPH_CHARS = 200
PARAGRAPHS_PER_ARTICLE = 50


def alphabet() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})


def synthetic_issue(megabytes: int, chars: list[str], rng: random.Random) -> Issue:
    """About `megabytes` of paragraphs, a figure and an ASCII comma per article, and one
    passage of the first paragraph repeated in the last."""
    total = megabytes * 1_000_000 // 3  # Han characters are three bytes in UTF-8
    articles: list[Article] = []
    line = 1
    while total > 0:
        blocks: list[Paragraph | Figure] = [Figure("图片说明", line=line)]
        for _ in range(PARAGRAPHS_PER_ARTICLE):
            line += 2
            words = rng.choices(chars, k=PARAGRAPH_CHARS)
            words[PARAGRAPH_CHARS // 2] = "，"
            blocks.append(Paragraph("".join(words) + "。", line=line))
        blocks[1].text = blocks[1].text.replace("，", ",")
        articles.append(Article(title=["标题"], blocks=blocks, source="某报", line=line))
        total -= PARAGRAPHS_PER_ARTICLE * (PARAGRAPH_CHARS + 1)
        line += 4
    last = articles[-1].blocks[-1]
    last.text += articles[0].blocks[1].text[:40]
    return Issue(id="bench", articles=articles)


def main() -> None:
    chars = alphabet()
    config = Config()
    print(f"{'MB':>3} {'chars':>10} {'seconds':>8} {'diagnostics':>12}")
    for megabytes in (1, 2, 4, 8):
        issue = synthetic_issue(megabytes, chars, random.Random(megabytes))
        size = sum(len(b.text) for a in issue.articles for b in a.blocks if hasattr(b, "text"))
        start = time.perf_counter()
        found = preflight.check(issue, config)
        elapsed = time.perf_counter() - start
        duplicates = [d for d in found if d.code == "duplicate-passage"]
        assert len(duplicates) == 1, duplicates
        print(f"{megabytes:>3} {size:>10} {elapsed:>8.2f} {len(found):>12}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory {peak} MB")


if __name__ == "__main__":
    main()
