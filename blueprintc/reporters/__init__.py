"""Renderers: pure functions from a LintResult to text, chosen by format name.

A format's module is imported when it is asked for: a pre-commit lint prints text,
and junit's xml.etree alone is 2-3 ms of its start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blueprintc.lint import LintResult

Reporter = Callable[["LintResult", bool], str]

# format name -> the module of `blueprintc.reporters` whose `render` writes it
_MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}
FORMATS = tuple(_MODULES)


def reporter(output_format: str) -> Reporter:
    """The `render` function of `output_format` (one of `FORMATS`)."""
    module = importlib.import_module(f"{__name__}.{_MODULES[output_format]}")
    render: Reporter = module.render
    return render
