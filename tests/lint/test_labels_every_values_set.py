"""BPG008 on every values set the chart is rendered with: an object a `ci/*values.yaml`
(or `--values` file) turns on is installed wherever a Sovereign sets that value, so it
needs the labels as much as one of the defaults. Lint checked the default render only:
an unlabelled Ingress behind `ingress.enabled` passed."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import CLEAN_VALUES, HELM_LABELS, write_workspace

CHART = "blueprints/shop/chart"
INGRESS = (
    "{{- if .Values.ingress.enabled }}\n"
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n"
    "{{- if .Values.ingress.labelled }}\n" + HELM_LABELS + "{{- end }}\n"
    "spec:\n  defaultBackend:\n    service:\n      name: shop\n      port:\n        number: 80\n"
    "{{- end }}\n"
)
VALUES = CLEAN_VALUES + "ingress:\n  enabled: false\n  labelled: false\n"


def _found(tmp_path: Path, extra: dict[str, str]) -> list[tuple[int, str]]:
    files = {f"{CHART}/templates/ingress.yaml": INGRESS, f"{CHART}/values.yaml": VALUES, **extra}
    workspace = write_workspace(tmp_path / "ws", {"shop": VALUES}, extra=files)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG008"})
    return [(d.location.line, d.message) for d in result.active]


def test_an_object_a_ci_values_file_turns_on_is_checked_and_named_with_it(
    tmp_path: Path,
) -> None:
    ci = {f"{CHART}/ci/ingress-values.yaml": "ingress:\n  enabled: true\n"}
    assert _found(tmp_path, ci) == [
        (
            7,
            "Ingress bp-shop lacks label(s) app.kubernetes.io/name, app.kubernetes.io/instance, "
            "app.kubernetes.io/managed-by (rendered with ci/ingress-values.yaml)",
        )
    ]


def test_an_object_labelled_in_every_render_passes(tmp_path: Path) -> None:
    ci = {f"{CHART}/ci/ingress-values.yaml": "ingress:\n  enabled: true\n  labelled: true\n"}
    assert _found(tmp_path, ci) == []


def test_the_same_template_unlabelled_in_two_renders_is_one_finding(tmp_path: Path) -> None:
    ci = {
        f"{CHART}/ci/a-values.yaml": "ingress:\n  enabled: true\n",
        f"{CHART}/ci/b-values.yaml": "ingress:\n  enabled: true\nreplicas: 2\n",
    }
    [(line, message)] = _found(tmp_path, ci)
    assert (line, message.endswith("(rendered with ci/a-values.yaml)")) == (7, True)
