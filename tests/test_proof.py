"""The proof: every finding on its first page and beside its text, the press PDF untouched."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import ROOT, SEEDS
from typeset import cli, preflight
from typeset.build.manifest import output_inputs
from typeset.config_file import find_config
from typeset.model import Diagnostic, Issue
from typeset.readers import read_issue
from typeset.transforms import edition_model
from typeset.writers.pdf.proof import NOTES_GAP, UNCERTAIN, layout_proof, make_proof

CONFIG = ROOT / "typeset.toml"
# Text of the print edition is 7.5 pt or larger; the proof's marks and notes are smaller.
NOTE_SIZE = 7.0
TOLERANCE = 0.01  # points


@dataclass(frozen=True)
class Page:
    text: str
    chars: list[tuple[str, float, float]]  # of print-edition size, with their positions


@dataclass(frozen=True)
class Seed:
    path: Path
    issue: Issue
    findings: list[Diagnostic]
    proof: Path
    press: Path  # built in the same run as the proof
    alone: Path  # built in a run without --proof
    proof_pages: list[Page]
    press_pages: list[Page]


def pages(path: Path) -> list[Page]:
    with pdfplumber.open(path) as pdf:
        return [
            Page(
                page.extract_text() or "",
                [(c["text"], c["x0"], c["top"]) for c in page.chars if c["size"] > NOTE_SIZE],
            )
            for page in pdf.pages
        ]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Seed]:
    out = tmp_path_factory.mktemp("proof")
    common = ["--format", "pdf", "--jobs", "2", "--config", str(CONFIG)]
    assert cli.main(["build", *map(str, SEEDS), "-o", str(out / "with"), "--proof", *common]) == 0
    assert cli.main(["build", *map(str, SEEDS), "-o", str(out / "without"), *common]) == 0
    config = find_config(str(CONFIG))
    built = {}
    for path in SEEDS:
        issue = read_issue(path)
        proof, press = out / "with" / f"{path.stem}.proof.pdf", out / "with" / f"{path.stem}.pdf"
        findings = preflight.check(issue, config)
        alone = out / "without" / f"{path.stem}.pdf"
        built[path.stem] = Seed(
            path, issue, findings, proof, press, alone, pages(proof), pages(press)
        )
    return built


@pytest.fixture(params=[s.stem for s in SEEDS], ids=[s.stem[:3] for s in SEEDS])
def seed(request, seeds) -> Seed:
    return seeds[request.param]


def test_the_press_pdf_is_the_same_with_or_without_a_proof(seed):
    assert seed.proof.is_file()
    assert seed.press.read_bytes() == seed.alone.read_bytes()


def test_the_first_page_lists_every_finding(seed):
    first = seed.proof_pages[0].text
    assert f"{len(seed.findings)} findings" in first
    for n, finding in enumerate(seed.findings, 1):
        row = rf"^{n} \d+ {finding.line} {finding.severity} {re.escape(finding.code)} "
        assert re.search(row, first, re.MULTILINE), (n, finding)


def test_every_finding_is_noted_on_the_page_the_first_page_gives(seed):
    texts = [page.text for page in seed.proof_pages]
    for n, finding in enumerate(seed.findings, 1):
        folio = int(re.search(rf"^{n} (\d+) ", texts[0], re.MULTILINE).group(1))
        note = f"{n} {finding.severity} {finding.code} · line {finding.line}"
        assert note in texts[folio], (n, finding)  # the first page comes before folio 1


def test_every_line_of_text_is_where_the_press_pdf_sets_it(seed):
    press = [page.chars for page in seed.press_pages]
    proof = [page.chars for page in seed.proof_pages]
    assert len(proof) == len(press) + 1  # the first page
    for number, (ours, theirs) in enumerate(zip(proof[1:], press, strict=True), 1):
        assert [c[0] for c in ours] == [c[0] for c in theirs], f"page {number}"
        dx, dy = ours[0][1] - theirs[0][1], ours[0][2] - theirs[0][2]
        for a, b in zip(ours, theirs, strict=True):
            assert abs(a[1] - b[1] - dx) < TOLERANCE and abs(a[2] - b[2] - dy) < TOLERANCE


@dataclass(frozen=True)
class Noted:
    """A note as laid out: its top and bottom, its findings' numbers, its mark's top, and
    the foot of its page's text area."""

    top: float
    bottom: float
    numbers: str
    mark: float
    foot: float


def laid_out_notes(issue: Issue, findings: list[Diagnostic]) -> list[list[Noted]]:
    """Each page's notes, top to bottom."""
    config = find_config(str(CONFIG))
    model = edition_model(issue, "simplified", config)
    document = layout_proof(model, config, make_proof(model, findings, config))
    out = []
    for page in document.pages:
        area = page._page_box
        marks, notes = {}, []
        for box in area.descendants(placeholders=True):
            element = getattr(box, "element", None)
            if element is None or box.style["position"] != "absolute":
                continue
            classes = (element.get("class") or "").split()
            if "proof-mark" in classes:
                marks[element.text] = box.position_y
            elif "proof-note" in classes:
                notes.append((box.position_y, box.margin_height(), element.get("data-numbers")))
        foot = area.content_box_y() + area.height
        out.append([Noted(y, y + h, n, marks[n], foot) for y, h, n in sorted(notes)])
    return out


def test_notes_sit_beside_their_element_and_never_overlap(seed):
    noted = []
    for notes in laid_out_notes(seed.issue, seed.findings):
        below = float("-inf")
        for note in notes:
            assert note.top == pytest.approx(max(note.mark, below))  # beside, or just below
            below = note.bottom + NOTES_GAP
            noted += note.numbers.split()
    assert sorted(map(int, noted)) == list(range(1, len(seed.findings) + 1))


def test_notes_crowding_a_page_stay_on_it_and_apart():
    issue = read_issue(SEEDS[1])
    lines = [b.line for a in issue.articles[:2] for b in a.blocks]
    doubts = [Diagnostic(UNCERTAIN, "info", line, "一段还是小标题？" * 6) for line in lines]
    pages = laid_out_notes(issue, doubts)
    assert any(note.top < note.mark for notes in pages for note in notes)  # moved up
    for notes in pages:
        for above, below in zip(notes, notes[1:], strict=False):
            assert below.top >= above.bottom + NOTES_GAP - TOLERANCE
        assert all(note.bottom <= note.foot + TOLERANCE for note in notes)
    assert sum(len(note.numbers.split()) for notes in pages for note in notes) == len(doubts)


def test_an_uncertain_structure_is_marked_apart_at_its_paragraph():
    config = find_config(str(CONFIG))
    issue = read_issue(SEEDS[1])
    doubt = Diagnostic(UNCERTAIN, "info", 27, "a paragraph or a sub-head?")
    proof = make_proof(issue, [*preflight.check(issue, config), doubt], config)
    article, block = next(
        (a, b)
        for a, article in enumerate(issue.articles)
        for b, paragraph in enumerate(article.blocks)
        if paragraph.line == 26
    )
    margin = proof.at(article + 1, block)
    assert [n.code for n in margin.notes] == [UNCERTAIN] and margin.kind == "uncertain"


def test_a_build_held_back_by_errors_still_writes_the_proof(tmp_path: Path, capsys):
    issue = tmp_path / "x.txt"
    text = SEEDS[0].read_text(encoding="utf-8")
    issue.write_text(text.replace("会议旨在", "会议\U000f0000旨在", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["build", str(issue), "-o", str(out), "--proof", "--config", str(CONFIG)]) == 1
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["x.proof.pdf"]
    assert "only the proof built: errors above" in capsys.readouterr().err
    assert "missing-glyph" in pages(out / "x.proof.pdf")[0].text


def test_a_proof_is_built_again_when_the_editions_its_preflight_checks_change():
    config = find_config(str(CONFIG))
    both = replace(config, editions=("simplified", "traditional"))
    for fmt, changes in (("proof", True), ("pdf", False)):
        inputs = [output_inputs({}, c, "x", "0", "simplified", fmt) for c in (config, both)]
        assert (inputs[0]["settings"] != inputs[1]["settings"]) is changes
