"""Published versions are immutable: identical content is a no-op, changed content under
the same version is refused before anything is pushed."""

from __future__ import annotations

from pathlib import Path

from blueprintc.build import Signer, State, Target, build_blueprint
from blueprintc.build.attach import sbom_tag, source_tag
from blueprintc.oci.content import sha256_digest
from blueprintc.signing import signature_tag

from .conftest import make_workspace


def _snapshot(target: Target, repo: str) -> dict[str, str | None]:
    return {tag: target.store.resolve(repo, tag) for tag in target.store.tags(repo)}


def test_republishing_identical_content_is_a_no_op(
    tmp_path: Path, target: Target, signer: Signer
) -> None:
    first = build_blueprint(
        make_workspace(tmp_path / "a", "webapp") / "blueprints/webapp", target=target, signer=signer
    )
    assert first.ok and first.published is not None
    repo = target.repo("bp-webapp")
    before = _snapshot(target, repo)
    assert set(before) == {
        "1.4.2",
        signature_tag(first.published.digest),
        sbom_tag(first.published.digest),
        signature_tag(str(first.published.sbom_digest)),
        source_tag(first.published.digest),
    }

    # A fresh checkout (new file times, charts/ rebuilt) of the same content.
    again = build_blueprint(
        make_workspace(tmp_path / "b", "webapp") / "blueprints/webapp", target=target, signer=signer
    )
    assert again.ok, again.to_json()
    assert again.published is not None
    assert again.published.state is State.UNCHANGED
    assert not again.published.newly_signed  # the stored signature is kept, not duplicated
    assert again.published.digest == first.published.digest
    assert _snapshot(target, repo) == before


def test_changed_chart_under_the_same_version_is_refused_before_any_push(
    tmp_path: Path, target: Target, signer: Signer
) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    first = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert first.ok and first.published is not None
    repo = target.repo("bp-webapp")
    before = _snapshot(target, repo)

    values = ws / "blueprints/webapp/chart/values.yaml"
    values.write_text(values.read_text() + "# a change without a version bump\n")
    second = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)

    assert second.failed_at == "publish"
    assert second.published is not None and second.published.state is State.REFUSED
    assert second.manifest_digest != first.published.digest
    message = second.published.message
    assert f"already exists as {first.published.digest}" in message
    assert "immutable" in message and "Bump the version" in message
    # The registry still holds the old digest, and none of the new content was sent.
    assert target.store.resolve(repo, "1.4.2") == first.published.digest
    assert _snapshot(target, repo) == before
    new_package = (ws / "out/build/bp-webapp-1.4.2.tgz").read_bytes()
    assert not target.store.has_blob(repo, sha256_digest(new_package))
    assert [g.guard for g in second.guards] == ["working-tree", "package"]
