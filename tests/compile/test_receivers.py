"""spec.git.receiver: compile emits per vcluster the Flux Receiver ``gitea`` over its
Application GitRepositories, valid against Flux's Receiver CRD; none without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from blueprintc.compile.run import run_compile

from .helpers import GOLDEN, REPO, copy_workspace, tree_files

SCHEMA = json.loads(
    (
        REPO / "blueprintc/data/schemas/flux/receiver-notification.toolkit.fluxcd.io-v1.json"
    ).read_text()
)


def _docs(data: bytes) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(data) if doc]


def test_golden_has_one_valid_receiver_per_vcluster_over_its_applications() -> None:
    files = tree_files(GOLDEN)
    vclusters = sorted({p.split("/")[1] for p in files if p.startswith("vclusters/")})
    assert len(vclusters) > 5
    for vcluster in vclusters:
        root = f"vclusters/{vcluster}"
        (receiver,) = _docs(files[f"{root}/flux-system/receiver.yaml"])
        jsonschema.validate(receiver, SCHEMA)
        assert receiver["spec"]["type"] == "github"  # checks Gitea's X-Hub-Signature-256
        assert receiver["spec"]["secretRef"] == {"name": "webhook-token"}
        url = receiver["metadata"]["annotations"]["openova.io/webhook-url"]
        assert url == f"https://flux-{vcluster}.hfmp.${{SOVEREIGN_FQDN}}"
        sources = sorted(
            doc["metadata"]["name"]
            for path, data in files.items()
            if re.fullmatch(rf"{root}/applications/[^/]+\.yaml", path)
            for doc in _docs(data)
            if doc["kind"] == "GitRepository"
        )
        assert [r["name"] for r in receiver["spec"]["resources"]] == sources
        kustomization = yaml.safe_load(files[f"{root}/flux-system/kustomization.yaml"])
        assert "receiver.yaml" in kustomization["resources"]


def test_no_receiver_without_spec_git_receiver(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    sovereign = ws / "sovereign.yaml"
    text = sovereign.read_text()
    block = re.search(
        r"    # Each vcluster's Flux Receiver.*?\n    receiver:\n      url: \S+\n", text, re.S
    )
    assert block is not None
    sovereign.write_text(text.replace(block.group(0), ""))
    assert not run_compile(ws, out=ws / "out").diagnostics
    assert not list((ws / "out").glob("vclusters/*/flux-system/receiver.yaml"))
    kustomizations = (ws / "out").glob("vclusters/*/flux-system/kustomization.yaml")
    assert all("receiver.yaml" not in k.read_text() for k in kustomizations)
