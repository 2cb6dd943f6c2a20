"""spec.git.signingKeys: compile emits per vcluster the Secret Flux's GitRepository
``verify`` reads and ``verify: {mode: HEAD, secretRef}`` on every Application
GitRepository; a key that is not a readable OpenPGP public key is BPP015 at its line."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from blueprintc.compile.run import run_compile
from tests.hostile.harness import assert_refused, run_cli

from .helpers import GOLDEN, REPO, copy_workspace, tree_files

TEST_KEY = (REPO / "tests/data/openpgp/test-only.pub").read_text()


def _objects(files: dict[str, bytes], pattern: str) -> list[tuple[str, dict]]:
    found = []
    for path, data in sorted(files.items()):
        if re.fullmatch(pattern, path):
            found += [(path, doc) for doc in yaml.safe_load_all(data) if doc]
    return found


def test_golden_verifies_every_application_source_with_the_named_key() -> None:
    files = tree_files(GOLDEN)
    sources = [
        (path, doc)
        for path, doc in _objects(files, r"vclusters/[^/]+/applications/[^/]+\.yaml")
        if doc["kind"] == "GitRepository"
    ]
    assert len(sources) > 10
    for path, doc in sources:
        assert doc["spec"]["verify"] == {
            "mode": "HEAD",
            "secretRef": {"name": "git-signing-keys"},
        }, path
    vclusters = {path.split("/")[1] for path, _ in sources}
    for vcluster in vclusters:
        [(_, secret)] = _objects(files, f"vclusters/{vcluster}/flux-system/signing-keys.yaml")
        assert secret["kind"] == "Secret"
        assert secret["metadata"] == {
            **secret["metadata"],
            "name": "git-signing-keys",
            "namespace": "flux-system",
        }
        assert secret["stringData"] == {"signing-key-1.asc": TEST_KEY}  # the .asc Flux reads
        bootstrap = yaml.safe_load(files[f"vclusters/{vcluster}/flux-system/kustomization.yaml"])
        assert "signing-keys.yaml" in bootstrap["resources"]
    # the fleet repository's source is not an Application's: left unverified
    [(_, environment)] = _objects(
        files, "vclusters/hz-nbg-rtz-dev-acme/flux-system/environment.yaml"
    )
    assert "verify" not in environment["spec"]


def test_without_signing_keys_nothing_is_verified(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    start = text.index("    signingKeys:")
    end = text.index("  parameters:")
    sovereign.write_text(text[:start] + text[end:])
    outcome = run_compile(workspace, out=tmp_path / "out")
    assert outcome.diagnostics == []
    files = tree_files(tmp_path / "out")
    assert not [p for p in files if p.endswith("/signing-keys.yaml")]
    assert not [p for p in files if b"mode: HEAD" in files[p]]  # no GitRepository verify


def test_an_unreadable_or_private_key_is_refused_at_its_line(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    lines = text.splitlines()
    body = next(n for n, row in enumerate(lines) if row.strip().startswith("mDMEa"))
    truncated = "\n".join(lines[:body] + lines[body + 1 :]) + "\n"
    sovereign.write_text(truncated)
    keys_at = lines.index("    signingKeys:")
    key_line = next(n for n, row in enumerate(lines, 1) if n > keys_at and row.strip() == "- |")
    run = run_cli("compile", cwd=workspace)
    assert_refused(
        run, f"sovereign.yaml:{key_line}", "BPP015", "signingKeys[0]", "keygen --openpgp", code=1
    )
    assert not (workspace / "out").exists()

    body_text = lines[body].strip()
    private = text.replace("PGP PUBLIC KEY BLOCK", "PGP PRIVATE KEY BLOCK")
    sovereign.write_text(private)
    run = run_cli("compile", cwd=workspace)
    assert_refused(
        run, f"sovereign.yaml:{key_line}", "BPP015", "holds a private key (not shown)", code=1
    )
    assert body_text not in run.output and "PRIVATE KEY BLOCK" not in run.output

    sovereign.write_text(text.replace("-----BEGIN PGP PUBLIC KEY BLOCK-----\n", "", 1))
    run = run_cli("compile", cwd=workspace)
    assert_refused(run, "BPP015", "not an armored OpenPGP public key", code=1)
