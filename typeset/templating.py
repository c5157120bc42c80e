"""The Jinja environment every writer renders its templates with.

Autoescaping is on for everything: issue text that looks like markup (`<script>`, `&`,
`]]>`) must print literally. The `t` filter converts the words the templates themselves
print (目录, 转自, 本报记者 …) with the edition's converter, so the traditional edition's
furniture is traditional too without a second set of templates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2


def environment(
    templates_dir: Path, convert: Callable[[str], str] | None = None
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["t"] = convert or (lambda text: text)
    return env
