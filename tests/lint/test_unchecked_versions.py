"""BPG013 names the versions a kind's CRD is read at when the rendered object's is not
one of them: the question is then which version the cluster serves, not where a schema
is (a chart still writing a version its upstream dropped)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import HELM_LABELS, write_workspace
from tests.crd_manifest import crd_manifest

WIDGET = "apiVersion: example.io/v1alpha1\nkind: Widget\nmetadata:\n  name: w\n" + HELM_LABELS


def _bpg013(tmp_path: Path, versions: list[str], kind: str = "Widget") -> tuple[str, str | None]:
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": ""},
        extra={
            "blueprints/demo/chart/templates/widget.yaml": WIDGET.replace("Widget", kind),
            "crds/widgets.yaml": crd_manifest("example.io", "Widget", versions=tuple(versions)),
        },
        config="schemaLocations: [crds]\n",
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG013"})
    (found,) = result.active
    return found.message, found.hint


def test_a_kind_read_at_other_versions_names_them_and_the_one_to_write(tmp_path: Path) -> None:
    message, hint = _bpg013(tmp_path, ["v2", "v1", "v1beta1"])
    assert message == (
        "1 rendered object(s) not checked against a schema: none is known for Widget "
        "(example.io/v1alpha1; the CRDs read define it at example.io/v1beta1, example.io/v1, "
        "example.io/v2 only)"
    )
    assert hint == (
        "if the cluster's CRD serves example.io/v1alpha1, name a directory holding that CRD "
        "in schemaLocations; else write apiVersion: example.io/v2, which the CRD read serves"
    )


def test_a_kind_no_crd_describes_keeps_the_schema_location_hint(tmp_path: Path) -> None:
    message, hint = _bpg013(tmp_path, ["v1"], kind="Gadget")
    assert message.endswith("none is known for Gadget (example.io/v1alpha1)")
    assert hint == (
        "name a directory holding their CRDs in blueprintc.yaml's schemaLocations or with "
        "--schema-location"
    )
