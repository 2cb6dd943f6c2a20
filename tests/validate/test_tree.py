"""validate_tree: BPC001 per broken object (file, line, path), BPC002 per failing build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from blueprintc.validate import validate_tree
from blueprintc.validate.kustomizations import entry_points, read_kustomization
from tests.validate.objects_data import valid

needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl")


def write(path: Path, *documents: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return path


def kustomization(path: Path, **fields: object) -> Path:
    return write(path / "kustomization.yaml", fields)


def sound_tree(out: Path) -> None:
    """A bootstrap kit, an Application repo with patches and values, and catalyst-config."""
    kit = out / "clusters" / "omantel" / "bootstrap-kit"
    write(kit / "00-bp-cnpg.yaml", valid("HelmRepository"), valid("HelmRelease"))
    kustomization(kit, resources=["00-bp-cnpg.yaml"])
    app = out / "repos" / "acme" / "shop" / "main"
    write(app / "base" / "namespace.yaml", valid("Namespace"))
    write(app / "base" / "release.yaml", valid("HelmRelease"))
    kustomization(app / "base", resources=["namespace.yaml", "release.yaml"])
    # a placement patch is a partial HelmRelease (no spec.interval): not schema-checked
    patch = {k: v for k, v in valid("HelmRelease").items() if k != "spec"}
    write(app / "patches" / "hz-fsn.yaml", patch | {"spec": {"values": {"region": "hz-fsn"}}})
    write(app / "values.yaml", {"replicas": 2})
    kustomization(
        app,
        resources=["base"],
        patches=[{"path": "patches/hz-fsn.yaml"}],
        configMapGenerator=[{"name": "shop-values", "files": ["values.yaml=values.yaml"]}],
    )
    config = out / "system" / "catalyst-config"
    write(config / "organizations" / "acme.yaml", valid("Organization"))
    write(config / "environments" / "acme-prod.yaml", valid("Environment"))
    write(config / "policies" / "acme-prod-policy.yaml", valid("EnvironmentPolicy"))
    write(out / ".git" / "junk.yaml", {"not": "an object"})


@needs_kubectl
def test_a_sound_tree_has_no_diagnostics(tmp_path: Path) -> None:
    sound_tree(tmp_path)
    assert validate_tree(tmp_path) == []


@needs_kubectl
def test_missing_resource_is_reported_at_its_kustomization(tmp_path: Path) -> None:
    sound_tree(tmp_path)
    kit = tmp_path / "clusters" / "omantel" / "bootstrap-kit"
    kustomization(kit, resources=["00-bp-cnpg.yaml", "01-bp-missing.yaml"])
    (finding,) = validate_tree(tmp_path)
    assert finding.rule == "BPC002"
    assert finding.name == "kustomize-build"
    assert finding.location.file == "clusters/omantel/bootstrap-kit/kustomization.yaml"
    assert "01-bp-missing.yaml" in finding.message
    assert str(tmp_path) not in finding.message
    assert finding.hint


@needs_kubectl
def test_failure_below_an_entry_point_is_reported_at_the_deepest_kustomization(
    tmp_path: Path,
) -> None:
    sound_tree(tmp_path)
    base = tmp_path / "repos" / "acme" / "shop" / "main" / "base"
    kustomization(base, resources=["namespace.yaml", "gone.yaml"])
    (finding,) = validate_tree(tmp_path)
    assert finding.rule == "BPC002"
    assert finding.location.file == "repos/acme/shop/main/base/kustomization.yaml"
    assert str(tmp_path) not in finding.message


def test_broken_object_is_reported_at_file_line_and_path(tmp_path: Path) -> None:
    release = valid("HelmRelease")
    del release["spec"]["interval"]
    release["spec"]["chart"]["spec"]["sourceRef"]["kind"] = "Bucket2"
    slot = tmp_path / "clusters" / "omantel" / "bootstrap-kit" / "00-bp-cnpg.yaml"
    write(slot, valid("HelmRepository"), release)
    second_document = slot.read_text().splitlines().index("---") + 2
    findings = validate_tree(tmp_path, kustomize=False)
    assert [(d.rule, d.location.file, d.location.line) for d in findings] == [
        ("BPC001", "clusters/omantel/bootstrap-kit/00-bp-cnpg.yaml", second_document)
    ] * 2
    assert [d.location.json_path for d in findings] == [
        "spec.chart.spec.sourceRef.kind",
        "spec.interval",
    ]
    assert findings[1].message == (
        "HelmRelease flux-system/bp-cnpg: spec.interval: required field is missing"
    )
    assert findings[0].name == "emitted-object-schema"


def test_unknown_kind_is_reported(tmp_path: Path) -> None:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    write(tmp_path / "widget.yaml", widget)
    (finding,) = validate_tree(tmp_path, kustomize=False)
    assert finding.rule == "BPC001"
    assert finding.location.line == 1
    assert "no schema for example.com/v1 Widget; blueprintc cannot vouch for it" in finding.message


def test_yaml_errors_and_non_objects_are_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: [ConfigMap\n")
    (tmp_path / "list.yaml").write_text("---\n# a comment\n- a\n- b\n")
    (tmp_path / "empty.yaml").write_text("---\n---\n")
    broken, listed = validate_tree(tmp_path, kustomize=False)
    assert (broken.location.file, broken.location.line) == ("broken.yaml", 3)
    assert broken.message == (
        "not valid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts on line 2)"
    )
    assert (listed.location.file, listed.location.line) == ("list.yaml", 3)
    assert "not a Kubernetes object" in listed.message


@needs_kubectl
def test_patch_that_does_not_parse_fails_the_build(tmp_path: Path) -> None:
    sound_tree(tmp_path)
    (tmp_path / "repos/acme/shop/main/patches/hz-fsn.yaml").write_text("just: data\n")
    (finding,) = validate_tree(tmp_path)
    assert finding.location.file == "repos/acme/shop/main/kustomization.yaml"
    assert finding.message.startswith("kubectl kustomize failed: trouble configuring")


def test_a_file_that_is_also_a_resource_is_checked(tmp_path: Path) -> None:
    broken = valid("ConfigMap") | {"data": {"replicas": 2}}
    write(tmp_path / "cm.yaml", broken)
    kustomization(tmp_path, resources=["cm.yaml"], patches=[{"path": "cm.yaml"}])
    (finding,) = validate_tree(tmp_path, kustomize=False)
    assert (finding.location.file, finding.location.json_path) == ("cm.yaml", "data.replicas")


def test_kustomization_files_are_not_objects(tmp_path: Path) -> None:
    kustomization(tmp_path, resources=[])
    assert validate_tree(tmp_path, kustomize=False) == []


def test_entry_points_are_the_unreferenced_kustomizations(tmp_path: Path) -> None:
    kustomization(tmp_path / "app", resources=["base", "cm.yaml"], components=["../comp"])
    kustomization(tmp_path / "app" / "base", resources=[])
    kustomization(tmp_path / "comp", kind="Component")
    kustomization(tmp_path / "other", resources=["https://example.test/x?ref=v1"])
    kustomization(tmp_path / "loop" / "a", resources=["../b"])
    kustomization(tmp_path / "loop" / "b", resources=["../a"])
    found = {f.parent: read_kustomization(f) for f in tmp_path.rglob("kustomization.yaml")}
    entries = entry_points(found)
    assert [p.relative_to(tmp_path).as_posix() for p in entries] == [
        "app",
        "other",
        "loop/a",  # a reference cycle has no entry point: every member becomes one
        "loop/b",
    ]


def test_kustomization_inputs_are_patches_and_generator_sources(tmp_path: Path) -> None:
    file = kustomization(
        tmp_path,
        resources=["ns.yaml"],
        patches=[{"path": "p1.yaml"}, {"patch": "apiVersion: v1\nkind: X\n"}],
        patchesStrategicMerge=["p2.yaml"],
        configMapGenerator=[{"name": "v", "files": ["values.yaml", "k=other.yaml"]}],
        secretGenerator=[{"name": "s", "envs": ["s.env"]}],
        helmCharts=[{"name": "c", "valuesFile": "chart-values.yaml"}],
    )
    refs = read_kustomization(file)
    assert sorted(p.name for p in refs.inputs) == [
        "chart-values.yaml",
        "other.yaml",
        "p1.yaml",
        "p2.yaml",
        "s.env",
        "values.yaml",
    ]


def test_unparsable_kustomization_has_no_references(tmp_path: Path) -> None:
    file = tmp_path / "kustomization.yaml"
    file.write_text("resources: [\n")
    assert read_kustomization(file).resources == ()


@needs_kubectl
def test_unparsable_kustomization_fails_its_build(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [\n")
    (finding,) = validate_tree(tmp_path)
    assert (finding.rule, finding.location.file) == ("BPC002", "kustomization.yaml")


def test_missing_kubectl_is_one_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("blueprintc.validate.kustomizations.KUBECTL", "kubectl-not-installed-x")
    kustomization(tmp_path / "a", resources=[])
    kustomization(tmp_path / "b", resources=[])
    (finding,) = validate_tree(tmp_path)
    assert finding.rule == "BPC002"
    assert "kubectl is not installed; 2 kustomization(s) were not built" in finding.message


def test_unsupported_kubernetes_version_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a Kubernetes version"):
        validate_tree(tmp_path, kubernetes_version="next")


def test_missing_tree_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        validate_tree(tmp_path / "out")
