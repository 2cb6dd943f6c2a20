"""spec.registryKeys: every HelmRelease verifies its chart's cosign signature against
the Secret of those keys beside its HelmRepository; a key that is not a PEM public key
is BPP015 at its line, a private one is never shown."""

from __future__ import annotations

from pathlib import Path

import yaml

from blueprintc.compile.run import run_compile
from tests.hostile.harness import assert_refused, run_cli

from .helpers import GOLDEN, REPO, copy_workspace, tree_files

TEST_KEY = (REPO / "tests/data/cosign/cosign-keys-test/cosign-label.derived.pub").read_text()


def _docs(files: dict[str, bytes]) -> list[tuple[str, dict]]:
    return [
        (path, doc)
        for path, data in sorted(files.items())
        if path.endswith(".yaml")
        for doc in yaml.safe_load_all(data)
        if isinstance(doc, dict)
    ]


def test_golden_verifies_every_chart_against_a_secret_beside_its_repository() -> None:
    files = tree_files(GOLDEN)
    docs = _docs(files)
    releases = [(p, d) for p, d in docs if d["kind"] == "HelmRelease"]
    assert len(releases) > 15
    secrets = {
        (d["metadata"]["namespace"], p.rsplit("/", 1)[0]): d
        for p, d in docs
        if d["kind"] == "Secret" and d["metadata"]["name"] == "chart-signing-keys"
    }
    for path, release in releases:
        chart = release["spec"]["chart"]["spec"]
        assert chart["verify"] == {
            "provider": "cosign",
            "secretRef": {"name": "chart-signing-keys"},
        }, path
        namespace = chart["sourceRef"]["namespace"]  # where Flux makes the HelmChart
        secret = secrets[(namespace, path.rsplit("/", 1)[0])]
        assert secret["stringData"] == {"cosign-1.pub": TEST_KEY}, path
        kustomization = yaml.safe_load(files[path.rsplit("/", 1)[0] + "/kustomization.yaml"])
        assert "chart-signing-keys.yaml" in kustomization["resources"]


def _without_registry_keys(text: str) -> str:
    start = text.index("  # Flux installs a chart only when")
    end = text.index("  git:")
    return text[:start] + text[end:]


def test_without_registry_keys_no_chart_is_verified(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    sovereign.write_text(_without_registry_keys(sovereign.read_text()))
    assert run_compile(workspace, out=tmp_path / "out").diagnostics == []
    files = tree_files(tmp_path / "out")
    assert not [p for p in files if p.endswith("chart-signing-keys.yaml")]
    assert not [p for p in files if b"provider: cosign" in files[p]]


def test_an_unreadable_or_private_registry_key_is_refused_at_its_line(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    lines = text.splitlines()
    keys_at = lines.index("  registryKeys:")
    key_line = keys_at + 2  # the `- |` line, 1-based
    body = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECYtspttZZ7e9PMd8wyU2CWDlpEXN"
    sovereign.write_text(text.replace(body, body[:-8], 1))
    run = run_cli("compile", cwd=workspace)
    assert_refused(
        run, f"sovereign.yaml:{key_line}", "BPP015", "registryKeys[0]", "cosign.pub", code=1
    )
    assert not (workspace / "out").exists()

    private = text.replace("BEGIN PUBLIC KEY", "BEGIN EC PRIVATE KEY", 1)
    sovereign.write_text(private.replace("END PUBLIC KEY", "END EC PRIVATE KEY", 1))
    run = run_cli("compile", cwd=workspace)
    assert_refused(
        run, f"sovereign.yaml:{key_line}", "BPP015", "holds a private key (not shown)", code=1
    )
    assert body not in run.output
