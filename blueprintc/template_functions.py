"""The fix for a template that calls a function Helm does not define.

`function "quot" not defined` is a parse error: Helm names the function and the
template line, never the function that was meant, so the finding said only "fix the
template". The functions a template may call (Go's text/template builtins, Sprig's and
Helm's own: `include`, `tpl`, `required`, `toYaml`, `lookup`...) are listed in
`data/template_functions.txt`, each checked against the Helm SDK blueprintc renders with;
the closest of them is the likely fix (`quot`: `quote`).
"""

from __future__ import annotations

import difflib
import functools
import re

from blueprintc.packagedata import data_file

_UNDEFINED = re.compile(r'function "(?P<name>[^"]+)" not defined')
_LEFT_OUT = ("env", "expandenv")  # Sprig's, which Helm does not give templates


@functools.cache
def template_functions() -> tuple[str, ...]:
    """Every function a Helm template may call, sorted."""
    text = data_file("template_functions.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def undefined_function(message: str) -> str | None:
    """The function a render failure's `message` says is not defined; None for another."""
    match = _UNDEFINED.search(message)
    return match.group("name") if match else None


def undefined_function_hint(name: str) -> str:
    """The fix for a template calling `name`, which Helm does not define."""
    if name in _LEFT_OUT:
        return (
            f"give the value in the chart's values: Helm leaves out Sprig's {name}, so that "
            "no chart reads the environment of whoever renders it"
        )
    close = difflib.get_close_matches(name, template_functions(), n=1, cutoff=0.6)
    meant = f"call {close[0]}" if close else "call a function Helm defines"
    return (
        f"{meant}: {name} is none of Go's, Sprig's or Helm's template functions (a "
        "misspelling, or a function of another tool)"
    )
