"""`when:` predicates: lint (BPS005) and compile (BPP012) place and word them alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.planner import compile_workspace
from blueprintc.lint import lint
from tests.rules.test_domains import BLUEPRINT

CASES = Path(__file__).parent / "cases"
DEPENDS = """\
  depends:
    - blueprint: bp-base
      when: {when}
"""


def _lint_when(tmp_path: Path, when: str) -> list[tuple[int, int, str]]:
    root = tmp_path / "ws"
    demo = root / "blueprints" / "demo"
    (demo / "chart").mkdir(parents=True)
    (root / "blueprintc.yaml").write_text("kind: Workspace\n")
    (demo / "blueprint.yaml").write_text(BLUEPRINT + DEPENDS.format(when=when))
    (demo / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: bp-demo\nversion: 1.0.0\n")
    result = lint([root], root=root, select={"BPS005"})
    return [(d.location.line, d.location.column, d.message) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("when", "column", "fragment"),
    [
        # the column of the offending character in the file, for each way of writing it
        ("\"{{ .config.a = 'x' }}\"", 27, "unexpected '='"),
        ("'{{ .config.a | upper }}'", 29, "filters"),
        (".config.a.__class__", 22, "names starting with `_`"),
        ('"{{ .config.a\\t| upper }}"', 13, "filters"),  # an escape: the value's start
        (">-\n        {{ .config.a\n        | upper }}", 13, "filters"),  # folded: its start
    ],
)
def test_lint_reports_an_invalid_when_at_its_character(
    tmp_path: Path, when: str, column: int, fragment: str
) -> None:
    (found,) = _lint_when(tmp_path, when)
    line, at, message = found
    assert (line, at) == (13, column)
    assert message.startswith("when predicate of bp-base: ") and fragment in message


def test_lint_accepts_the_worst_valid_when(tmp_path: Path) -> None:
    deep = "{{ .config.a" + "[0]" * 320 + " is defined }}"
    assert _lint_when(tmp_path, f'"{deep}"') == []


def test_compile_places_and_words_its_finding_as_lint_does() -> None:
    diagnostics = compile_workspace(CASES / "BPP012" / "fail").diagnostics
    (found,) = [d for d in diagnostics if d.rule == "BPP012"]
    assert found.location.file == "blueprints/app/blueprint.yaml"
    # `      when: "{{ .config.dbMode == 'embedded' }}"`: the `.dbMode` that is missing
    assert (found.location.line, found.location.column) == (14, 24)
    assert found.message.startswith("when predicate of bp-base: `.config` has no key 'dbMode'")
