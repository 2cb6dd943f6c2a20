"""A template failing on what values.yaml gives it: the finding names the value and the fix.

Go's template engine names the expression and the fault, never the value behind it,
and BPG003's hint said "fix the template": `.Values.ingres.className` (nil pointer),
`range` over a string, a field read below a string, a number given to `upper`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.test_upstream_objects import wrapper

CHART = "blueprints/demo/chart"
VALUES = "replicas: 1\ningress:\n  className: cilium\nexposure:\nport: 8080\n"


@pytest.mark.parametrize(
    ("expression", "hint"),
    [
        (
            ".Values.ingres.className",
            "read .Values.ingress.className instead: nothing sets .Values.ingres",
        ),
        (
            "$.Values.ingress.clasName.x",
            "read .Values.ingress.className.x instead: nothing sets .Values.ingress.clasName",
        ),
        (
            ".Values.exposure.mode",
            f"give .Values.exposure a value in {CHART}/values.yaml, "
            "where it is empty (null), or read it inside `{{ with .Values.exposure }}`",
        ),
        (
            ".Values.tls.secretName",
            f"give .Values.tls a default in {CHART}/values.yaml, or "
            "read it inside `{{ with .Values.tls }}`: nothing sets it",
        ),
        (
            "range .Values.ingress.className }}{{ . }}{{ end",
            f"give .Values.ingress.className a list (or a mapping) in {CHART}/values.yaml: it "
            "is a string (cilium) there, and `range` iterates over nothing else",
        ),
        (
            ".Values.ingress.className.x",
            "read .Values.ingress.className itself, or make it a mapping in "
            f"{CHART}/values.yaml: it is a string (cilium) there, which has no field x",
        ),
        (
            ".Values.port | upper",
            "give upper a string: it got a number; convert the value first (`| toString`), or "
            "quote it in the values",
        ),
    ],
)
def test_the_value_behind_the_failure_is_named_with_the_fix(
    tmp_path: Path, expression: str, hint: str
) -> None:
    template = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ {expression} }}}}\n"
    workspace = write_workspace(
        tmp_path / "ws", {"demo": VALUES}, extra={f"{CHART}/templates/x.yaml": template}
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    [found] = result.active
    assert (found.location.file, found.location.line) == (f"{CHART}/templates/x.yaml", 4)
    assert found.hint == hint


def test_a_subchart_key_holding_no_mapping_is_reported_at_the_key(tmp_path: Path) -> None:
    """`upstream-app: [1, 2]`: Helm refuses every render with `type mismatch on
    upstream-app: [%!t(float64=1) %!t(float64=2)]`, which named no file and stood at
    Chart.yaml with a hint about templates."""
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app: [1, 2]\n", {}, {})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    [found] = result.active
    assert (found.location.file, found.location.line) == (f"{CHART}/values.yaml", 2)
    assert "type mismatch on upstream-app" in found.message
    assert found.hint == (
        "give `upstream-app:` a mapping of the subchart upstream-app's values (it is a list "
        "here), or remove it: Helm merges a subchart's values as a mapping, and refuses every "
        "render while it is anything else"
    )


def test_a_ci_file_giving_a_subchart_key_no_mapping_is_reported_at_its_key(
    tmp_path: Path,
) -> None:
    """The same in a `ci/` file's render (BPG012): at the key in the ci/ file, which
    alone sets it so, not at the top of that file with the rule's generic hint."""
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n  image: x\n", {}, {})
    ci = workspace / CHART / "ci" / "ha-values.yaml"
    ci.parent.mkdir()
    ci.write_text("replicas: 2\nupstream-app: off\n", encoding="utf-8")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG012"})
    [found] = result.active
    assert (found.rule, found.location.file, found.location.line) == (
        "BPG012",
        f"{CHART}/ci/ha-values.yaml",
        2,
    )
    assert found.hint is not None
    assert found.hint.startswith("give `upstream-app:` a mapping of the subchart upstream-app's")
    assert "(it is a scalar here)" in found.hint


def test_a_subchart_key_left_empty_is_reported_at_the_key(tmp_path: Path) -> None:
    """`upstream-app:` with everything below it commented out is null: `type mismatch on
    upstream-app: %!t(<nil>)`."""
    workspace = wrapper(tmp_path, "replicas: 1\nupstream-app:\n#  image: x\n", {}, {})
    [found] = lint([workspace], root=workspace, jobs=1, select={"BPG003"}).active
    assert (found.location.file, found.location.line) == (f"{CHART}/values.yaml", 2)
    assert found.hint is not None and "(it is empty here)" in found.hint
