"""Pinned patches of WeasyPrint's internals, and the checks that they still fit.

The print writer extends WeasyPrint where it has no public hook (Chinese justification,
`justify`; column balancing in fewer passes, `columns`). Each extension is a `Patch`: the
functions it replaces, with the signatures it was written against, and the code it relies
on in WeasyPrint's sources. `install` checks all of that against the installed WeasyPrint
first and raises `IncompatibleWeasyPrint`, naming every difference, rather than patching a
version it does not know: an upgrade fails loudly in the tests instead of setting pages
subtly wrong.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

import weasyprint
from weasyprint.text import ffi as text_ffi

WEASYPRINT_SERIES = "70."


class IncompatibleWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the one whose internals a patch replaces."""


@dataclass(frozen=True)
class Replacement:
    owner: object  # module or class
    name: str
    signature: str  # of the function replaced, as `inspect.signature` prints it
    function: Callable


@dataclass
class Patch:
    name: str  # the module that defines it, for messages
    replacements: tuple[Replacement, ...]
    # (module, code) pairs: source that must still be in WeasyPrint for the patch to fit.
    relied_on: tuple[tuple[ModuleType, str], ...] = ()
    # Further checks, each returning what it finds changed.
    checks: tuple[Callable[[], list[str]], ...] = ()
    # The functions replaced, by name, while the patch is installed. Replacements of one
    # name replace one function, imported under that name by several modules.
    original: dict[str, Callable] = field(default_factory=dict)

    def unpatched(self, replacement: Replacement) -> Callable | None:
        return self.original.get(replacement.name) or getattr(
            replacement.owner, replacement.name, None
        )

    def problems(self) -> list[str]:
        """What differs in the installed WeasyPrint from what the patch was written for."""
        found = []
        if not weasyprint.__version__.startswith(WEASYPRINT_SERIES):
            found.append(f"version {weasyprint.__version__}, expected {WEASYPRINT_SERIES}x")
        first: dict[str, Callable | None] = {}
        for replacement in self.replacements:
            function = self.unpatched(replacement)
            signature = "missing" if function is None else str(inspect.signature(function))
            if signature != replacement.signature:
                found.append(f"{replacement.name}: {signature}, expected {replacement.signature}")
            if first.setdefault(replacement.name, function) is not function:
                owner = getattr(replacement.owner, "__name__", replacement.owner)
                found.append(f"{owner}.{replacement.name} is another function")
        for module, code in self.relied_on:
            if code not in inspect.getsource(module):
                found.append(f"{module.__name__} no longer contains {code!r}")
        for check in self.checks:
            found += check()
        return found

    def check(self) -> None:
        """Raise `IncompatibleWeasyPrint` unless WeasyPrint's internals are the expected ones."""
        if problems := self.problems():
            raise IncompatibleWeasyPrint(
                f"{self.name} patches WeasyPrint {WEASYPRINT_SERIES}x internals, and these"
                f" changed: {'; '.join(problems)}. Pin weasyprint to {WEASYPRINT_SERIES}x or"
                f" port {self.name}."
            )

    def install(self) -> None:
        """Check, then patch (once)."""
        if self.original:
            return
        self.check()
        for replacement in self.replacements:
            self.original[replacement.name] = getattr(replacement.owner, replacement.name)
            setattr(replacement.owner, replacement.name, replacement.function)

    def uninstall(self) -> bool:
        """Undo `install()`; return whether it had been installed."""
        installed = bool(self.original)
        for replacement in self.replacements:
            if replacement.name in self.original:
                setattr(replacement.owner, replacement.name, self.original[replacement.name])
        self.original.clear()
        return installed


_STRUCT = re.compile(r"typedef struct (?:\w+ )?\{([^}]*)\} (\w+);")


def pango_declarations(
    structs: Mapping[str, tuple[str, ...]], functions: tuple[str, ...]
) -> Callable[[], list[str]]:
    """A check that WeasyPrint's cffi declarations still give Pango's structures the fields
    a patch reads, and still declare the functions it calls."""

    def check() -> list[str]:
        # Read from the source: asking cffi for the types would cost milliseconds each.
        declarations = " ".join(inspect.getsource(text_ffi).split())
        declared = {name: body for body, name in _STRUCT.findall(declarations)}
        problems = []
        for name, fields in structs.items():
            missing = [field for field in fields if field not in declared.get(name, "")]
            if missing:
                problems.append(f"{name} lacks {missing}")
        pango = text_ffi.pango
        return problems + [f"{name} missing" for name in functions if not hasattr(pango, name)]

    return check
