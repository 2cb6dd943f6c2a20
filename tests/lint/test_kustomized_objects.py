"""A Kustomize Blueprint's objects are checked as a chart's rendered objects are
(BPG012), and reported in the manifest that holds each, at the field. Before, only charts
were: a LimitRange's `memory: 512MiB` in a kustomize base passed lint and compile."""

from __future__ import annotations

from pathlib import Path

from tests.lint.test_rendered_objects_cli import _brief, _copy, _lint

MANIFESTS = "blueprints/kz/manifests"
LIMITS = """\
apiVersion: v1
kind: LimitRange
metadata:
  name: kz
spec:
  limits:
    - type: Container
      default:
        memory: {memory}
"""


def _with_limits(tmp_path: Path, memory: str) -> Path:
    workspace = _copy("BPG010/pass", tmp_path)
    manifests = workspace / MANIFESTS
    (manifests / "limits.yaml").write_text(LIMITS.format(memory=memory))
    kustomization = manifests / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "  - limits.yaml\n")
    return workspace


def test_a_kustomize_bases_object_is_checked_at_its_field(tmp_path: Path) -> None:
    assert _brief(_lint(_with_limits(tmp_path / "good", "512Mi"))[1], "BPG012") == []
    code, found = _lint(_with_limits(tmp_path / "bad", "512MiB"))
    assert code == 1
    brief = _brief(found, "BPG012")
    assert [(file, line) for file, line, _ in brief] == [("limits.yaml", 9)]
    assert "spec.limits[0].default.memory: '512MiB': quantities must match" in brief[0][2]
    [diagnostic] = [d for d in found if d["rule"] == "BPG012"]
    assert diagnostic["file"] == f"{MANIFESTS}/limits.yaml"
    assert diagnostic["column"] == 17
    assert str(diagnostic["hint"]).startswith("fix the manifest")


def test_a_field_a_kustomization_adds_stands_at_the_nearest_key(tmp_path: Path) -> None:
    """A label the kustomization's `labels:` adds is not in the manifest: the finding
    stands at the object's `metadata:`, the nearest key the manifest writes."""
    workspace = _copy("BPG010/pass", tmp_path)
    kustomization = workspace / MANIFESTS / "kustomization.yaml"
    text = kustomization.read_text()
    kustomization.write_text(text.replace("app.kubernetes.io/name: kz", "tier: front end"))
    brief = _brief(_lint(workspace)[1], "BPG012")
    assert [(file, line) for file, line, _ in brief] == [("configmap.yaml", 3)]
    assert "metadata.labels.tier: 'front end'" in brief[0][2]
