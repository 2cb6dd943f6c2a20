"""BPG024 at compile: a value the Sovereign or an Organization writes that makes a
release pull an image its publisher retired is reported at that value, once; an image
the chart's own defaults render is left to lint (the Blueprint's finding)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.compile.run import run_compile
from tests.compile.helpers import copy_workspace, line_of

CONFIG = "        webapp:\n          replicaCount: 3\n"


def _bpg024(root: Path, tmp_path: Path) -> list[tuple[str, int, str, str | None]]:
    outcome = run_compile(root, out=tmp_path / "out")
    return [
        (d.location.file, d.location.line, d.message, d.hint)
        for d in outcome.diagnostics
        if d.rule == "BPG024"
    ]


def test_an_application_config_naming_a_retired_repository_is_reported_at_it(
    tmp_path: Path,
) -> None:
    root = copy_workspace(tmp_path / "ws")
    organization = root / "organizations" / "acme.yaml"
    text = organization.read_text(encoding="utf-8")
    assert text.count(CONFIG) == 1
    written = "          image:\n            repository: bitnami/nginx\n"
    organization.write_text(text.replace(CONFIG, CONFIG + written), "utf-8")
    line = line_of(organization, "repository: bitnami/nginx")
    # one finding, though the Application renders in several Environments and regions
    assert _bpg024(root, tmp_path) == [
        (
            "organizations/acme.yaml",
            line,
            "bitnami/nginx:6.5.3 is gone: Bitnami serves no versioned tag under "
            "docker.io/bitnami since September 2025 (bitnami/containers#83267), so the pull "
            "fails (ErrImagePull): a Deployment of Application shop pulls it",
            "pull it from docker.io/bitnamilegacy/nginx:6.5.3 (the same tags, no more "
            "updates) until a maintained image replaces it",
        )
    ]


def test_a_retired_image_of_the_charts_own_defaults_is_left_to_lint(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    values = root / "blueprints" / "webapp" / "chart" / "values.yaml"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace("ghcr.io/example/webapp", "bitnami/nginx"), "utf-8")
    assert _bpg024(root, tmp_path) == []


def test_a_tag_put_on_a_retired_repository_is_reported_at_the_tag(tmp_path: Path) -> None:
    """The chart pulls `bitnami/nginx:latest`, which Bitnami still serves; the
    Organization pins a versioned tag, which it does not."""
    root = copy_workspace(tmp_path / "ws")
    values = root / "blueprints" / "webapp" / "chart" / "values.yaml"
    text = values.read_text(encoding="utf-8")
    text = text.replace("ghcr.io/example/webapp", "bitnami/nginx")
    values.write_text(text.replace('tag: "6.5.3"', "tag: latest"), "utf-8")
    organization = root / "organizations" / "acme.yaml"
    text = organization.read_text(encoding="utf-8")
    written = '          image:\n            tag: "1.27.1"\n'
    organization.write_text(text.replace(CONFIG, CONFIG + written), "utf-8")
    found = _bpg024(root, tmp_path)
    assert [(file, line) for file, line, _, _ in found] == [
        ("organizations/acme.yaml", line_of(organization, 'tag: "1.27.1"'))
    ]
    assert found[0][2].startswith("bitnami/nginx:1.27.1 is gone")


def test_a_kit_entrys_values_are_reported_at_the_sovereign(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    entry = "      releaseName: observability\n      targetNamespace: monitoring\n"
    text = sovereign.read_text(encoding="utf-8")
    assert text.count(entry) == 1
    written = (
        "      values:\n        log-shipper:\n          image:\n"
        "            repository: docker.io/bitnami/fluent-bit\n"
    )
    sovereign.write_text(text.replace(entry, entry + written), "utf-8")
    found = _bpg024(root, tmp_path)
    assert [(file, line) for file, line, _, _ in found] == [
        ("sovereign.yaml", line_of(sovereign, "repository: docker.io/bitnami/fluent-bit"))
    ]
    assert found[0][2].endswith(": a DaemonSet of bootstrap-kit entry bp-observability pulls it")
