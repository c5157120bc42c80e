"""typeset.writers.pdf.columns: fewer column-balancing passes, the same PDF byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from weasyprint import HTML
from weasyprint.layout import block, column, inline

from tests.conftest import SEEDS
from typeset.config import EDITIONS, Config
from typeset.preflight import check
from typeset.readers import read_issue
from typeset.transforms import edition_model
from typeset.writers.pdf import columns
from typeset.writers.pdf.patches import IncompatibleWeasyPrint
from typeset.writers.pdf.proof import render_proof
from typeset.writers.pdf.render import render_pdf

FONTS = Path(__file__).resolve().parent.parent / "fonts"


@pytest.fixture
def off():
    with columns.disabled():
        yield


def line_layouts(render) -> tuple[object, int]:
    """`render()`'s result and how many lines WeasyPrint laid out meanwhile."""
    original = inline.get_next_linebox
    calls = 0

    def counted(*arguments, **options):
        nonlocal calls
        calls += 1
        return original(*arguments, **options)

    inline.get_next_linebox = counted
    try:
        return render(), calls
    finally:
        inline.get_next_linebox = original


@pytest.fixture(scope="module")
def patched_pdfs() -> dict[tuple[str, str], tuple[bytes, int]]:
    """Every seed in both editions with the patch: (PDF, line layouts)."""
    columns.install()
    config = Config()
    found = {}
    for seed in SEEDS:
        issue = read_issue(seed)
        for edition in EDITIONS:
            model = edition_model(issue, edition, config)
            found[seed.name, edition] = line_layouts(lambda m=model: render_pdf(m, config))
    return found


@pytest.mark.parametrize("edition", list(EDITIONS))
@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem[:3] for s in SEEDS])
def test_every_seed_comes_out_byte_identical(patched_pdfs, off, seed: Path, edition: str):
    config = Config()
    model = edition_model(read_issue(seed), edition, config)
    plain, plain_layouts = line_layouts(lambda: render_pdf(model, config))
    patched, patched_layouts = patched_pdfs[seed.name, edition]
    assert patched == plain
    assert patched_layouts <= plain_layouts
    if seed.name.startswith("000"):
        # Two articles there take six balancing passes in 1.56 px steps.
        assert patched_layouts < 0.7 * plain_layouts


def test_the_proof_comes_out_byte_identical():
    """The proof lays out the same columns, with notes beside some articles' blocks (not
    plain: those are laid out as WeasyPrint does; seed 002 has articles without)."""
    config = Config()
    issue = read_issue(SEEDS[2])
    model = edition_model(issue, "simplified", config)
    findings = check(issue, config)
    columns.install()
    patched, patched_layouts = line_layouts(lambda: render_proof(model, config, findings))
    with columns.disabled():
        plain, plain_layouts = line_layouts(lambda: render_proof(model, config, findings))
    assert patched == plain
    assert patched_layouts < plain_layouts


def test_install_is_idempotent_and_undone():
    columns.uninstall()
    original = column.columns_layout
    assert block.columns_layout is original
    columns.install()
    patched = column.columns_layout
    columns.install()
    assert column.columns_layout is block.columns_layout is patched is not original
    assert columns.uninstall()
    assert column.columns_layout is block.columns_layout is original
    columns.install()


def test_guard_accepts_this_weasyprint():
    columns.check_weasyprint()
    assert "_passes.skipped(height, lost_space)" in columns.patched_source()
    assert columns.PATCH.problems() == []


def test_guard_rejects_another_version(monkeypatch):
    installed = columns.uninstall()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(IncompatibleWeasyPrint, match="version 71.0"):
        columns.install()
    assert not columns.uninstall(), "nothing may be patched after a failed check"
    monkeypatch.undo()
    if installed:
        columns.install()


def test_guard_rejects_a_changed_columns_layout(monkeypatch):
    installed = columns.uninstall()

    def columns_layout(context, box, *arguments):
        """A WeasyPrint whose column layout is another one."""

    monkeypatch.setattr(column, "columns_layout", columns_layout)
    monkeypatch.setattr(block, "columns_layout", columns_layout)
    with pytest.raises(IncompatibleWeasyPrint, match="columns_layout changed"):
        columns.install()
    assert column.columns_layout is block.columns_layout is columns_layout
    monkeypatch.undo()
    if installed:
        columns.install()


def test_guard_rejects_a_block_module_calling_another_function(monkeypatch):
    installed = columns.uninstall()
    monkeypatch.setattr(block, "columns_layout", lambda *arguments: None)
    with pytest.raises(IncompatibleWeasyPrint, match="block.columns_layout is another"):
        columns.install()
    monkeypatch.undo()
    if installed:
        columns.install()


# Columns with what the patch does not reason about (a float, a relatively positioned
# paragraph, a table): laid out exactly as WeasyPrint does, so the same PDF.
NOT_PLAIN = """
<style>
@font-face {{ font-family: Song; src: url({font}) }}
@page {{ size: 300pt 300pt; margin: 20pt }}
body {{ margin: 0; font: 10pt/1.6 Song }}
.columns {{ columns: 2; column-gap: 10pt }}
p {{ margin: 0 0 4pt; orphans: 2; widows: 2 }}
.float {{ float: left; width: 30pt; height: 30pt; background: #ccc }}
.moved {{ position: relative; top: 3pt }}
</style>
<div class="columns">{body}</div>
"""


@pytest.mark.parametrize("odd", ['<div class="float"></div>', '<p class="moved">移</p>', ""])
def test_columns_the_patch_does_not_reason_about_are_left_alone(odd: str):
    body = "".join(f"<p>{'测试文字排版' * (3 + i % 5)}</p>" for i in range(30))
    markup = NOT_PLAIN.format(font=(FONTS / "NotoSerifCJKsc-Regular.otf").as_uri(), body=odd + body)

    def pdf() -> bytes:
        return HTML(string=markup).write_pdf()

    columns.install()
    patched = pdf()
    with columns.disabled():
        assert pdf() == patched
