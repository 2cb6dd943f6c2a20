"""Where blueprintc's own data files are: `blueprintc/data/`, beside this module.

A plain path, not `importlib.resources.files`: its first call imports
`importlib.readers` and `zipfile`, 3.5-4 ms of a one-Blueprint lint, for zip imports
that blueprintc does not support anyway (its Helm workers run from its files:
`helm_process`).
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def data_file(*parts: str) -> Path:
    """`blueprintc/data/<parts>`: `data_file("schemas", "flux", "index.json")`."""
    return DATA.joinpath(*parts)
