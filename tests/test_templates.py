"""typeset.writers.shared.environment: templates compiled once a process, per edition."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import jinja2
import pytest

from tests.conftest import SEEDS
from typeset.config import Config
from typeset.readers import read_issue
from typeset.transforms import edition_model
from typeset.writers import shared
from typeset.writers.pdf.html import render_print_html


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """Names of the templates Jinja compiles meanwhile."""
    names: list[str] = []
    compile_template = jinja2.Environment.compile

    def counted(self, source, name=None, *arguments, **options):
        names.append(name)
        return compile_template(self, source, name, *arguments, **options)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def test_a_second_render_compiles_nothing_and_prints_the_same(compiles):
    config = Config()
    issue = read_issue(SEEDS[0])
    model = edition_model(issue, "simplified", config)
    shared._environment.cache_clear()
    first = render_print_html(model, config)
    assert "print/issue.html.j2" in compiles
    compiles.clear()
    assert render_print_html(model, config) == first
    assert compiles == []
    # Jinja folds `"转自"|t` into the compiled code: the traditional edition has its own.
    traditional = edition_model(issue, "traditional", config)
    html = render_print_html(traditional, config)
    assert "目錄" in html and "轉自" in html and "转自" not in html
    compiles.clear()
    assert render_print_html(traditional, config) == html
    assert render_print_html(model, config) == first
    assert compiles == []


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiles):
    config = Config()
    templates = tmp_path / "templates"
    shutil.copytree(config.templates_dir, templates)
    config = dataclasses.replace(config, templates_dir=templates)
    model = edition_model(read_issue(SEEDS[0]), "simplified", config)
    assert "目次" not in render_print_html(model, config)
    contents = templates / "print" / "contents.html.j2"
    contents.write_text(contents.read_text().replace('"目录"|t', '"目次"|t'))
    later = contents.stat().st_mtime + 1
    os.utime(contents, (later, later))
    compiles.clear()
    assert "目次" in render_print_html(model, config)
    assert compiles == ["print/contents.html.j2"]
