"""`publish_tree`: any directory (a compiled Environment tree) as a signed Flux artifact."""

from __future__ import annotations

from pathlib import Path

from blueprintc.build import Signer, State, Target, publish_tree, verify_artifact
from blueprintc.oci import LayoutStore, read_archive
from blueprintc.oci.artifacts import FLUX_CONFIG_MEDIA_TYPE, FLUX_CONTENT_MEDIA_TYPE
from blueprintc.signing import signature_tag

SOURCE = "https://git.example.invalid/acme/app.git"
REVISION = "main@sha1:0123456789abcdef0123456789abcdef01234567"


def _tree(root: Path) -> Path:
    (root / "apps").mkdir(parents=True)
    (root / "kustomization.yaml").write_text("resources: [apps/release.yaml]\n")
    (root / "apps/release.yaml").write_text("kind: HelmRelease\nmetadata: {name: app}\n")
    return root


def test_tree_is_published_with_flux_media_types_and_signed(
    tmp_path: Path, target: Target, signer: Signer
) -> None:
    tree = _tree(tmp_path / "tree")
    repo = target.repo("trees/acme-app-develop")
    result = publish_tree(tree, target, repo, "r1", signer, source=SOURCE, revision=REVISION)
    assert result.state is State.PUSHED and result.newly_signed and result.sbom_tag is None

    manifest = target.store.get_manifest(repo, "r1").json()
    assert manifest["config"]["mediaType"] == FLUX_CONFIG_MEDIA_TYPE
    (layer,) = manifest["layers"]
    assert layer["mediaType"] == FLUX_CONTENT_MEDIA_TYPE
    assert manifest["annotations"] == {
        "org.opencontainers.image.revision": REVISION,
        "org.opencontainers.image.source": SOURCE,
    }
    files = read_archive(target.store.get_blob(repo, layer["digest"]))
    assert set(files) == {"kustomization.yaml", "apps/release.yaml"}
    assert target.store.resolve(repo, signature_tag(result.digest)) is not None

    identity = target.identity(repo)
    args = (target.store, repo, "r1", signer.public_key)
    assert verify_artifact(*args, identity=identity, require_sbom=False).ok
    assert verify_artifact(*args, identity=identity).failed == ["sbom"]

    again = publish_tree(tree, target, repo, "r1", signer, source=SOURCE, revision=REVISION)
    assert again.state is State.UNCHANGED and not again.newly_signed
    (tree / "apps/release.yaml").write_text("kind: HelmRelease\nmetadata: {name: changed}\n")
    refused = publish_tree(tree, target, repo, "r1", signer, source=SOURCE, revision=REVISION)
    assert refused.state is State.REFUSED and target.store.resolve(repo, "r1") == result.digest
    moving = publish_tree(
        tree, target, repo, "r1", signer, source=SOURCE, revision=REVISION, immutable=False
    )
    assert moving.state is State.PUSHED and target.store.resolve(repo, "r1") == moving.digest


def test_tree_into_a_bare_store(tmp_path: Path, signer: Signer) -> None:
    store = LayoutStore(tmp_path / "oci")
    tree = _tree(tmp_path / "tree")
    result = publish_tree(
        tree, store, "trees/x", "v1", signer, source=SOURCE, revision=REVISION,
        identity="registry.example.invalid",
    )  # fmt: skip
    assert result.state is State.PUSHED
    check = verify_artifact(
        store, "trees/x", "v1", signer.public_key,
        identity="registry.example.invalid/trees/x", require_sbom=False,
    )  # fmt: skip
    assert check.ok, check.checks
