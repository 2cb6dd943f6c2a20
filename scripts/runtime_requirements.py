"""Print pyproject.toml's runtime dependencies, one per line (a pip requirements file).

`make` feeds them to `pip download` for the wheelhouse the pre-commit hook test installs
from (Makefile, WHEELHOUSE)."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def main() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        print(requirement)


if __name__ == "__main__":
    main()
