"""Publish and verify through a fault-injecting proxy in front of the real registry:
results that can be trusted even when the registry misbehaves or another publish races."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build import Signer, build_blueprint, open_target, verify_artifact
from blueprintc.build.record import BuildRecord
from blueprintc.cli import cli
from blueprintc.oci import HttpPolicy, RegistryError, RegistryStore
from blueprintc.signing import signature_tag
from tests.oci.fault_proxy import FaultProxy
from tests.oci.registry_fixture import RegistryServer

from .conftest import make_workspace

_SIG_MANIFEST = r"/manifests/sha256-[0-9a-f]{64}\.sig$"


def _record(ws: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((ws / "out/build/bp-webapp-1.4.2.build.json").read_text())
    return doc


def test_publish_rides_out_429_with_retry_after(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer
) -> None:
    proxy.fail("PUT", r"/manifests/1\.4\.2$", 429, times=3, headers={"Retry-After": "1"})
    target = open_target(f"oci://{proxy.host}/{prefix}")
    ws = make_workspace(tmp_path / "ws", "webapp")
    start = time.monotonic()
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok, record.to_json()
    assert time.monotonic() - start >= 3.0
    statuses = [s.status for s in proxy.seen("PUT", r"/manifests/1\.4\.2$")]
    assert statuses == [429, 429, 429, 201]


_SBOM_MANIFEST = r"/manifests/sha256-[0-9a-f]{64}\.sbom$"
_DIGEST_INVALID = json.dumps(
    {"errors": [{"code": "DIGEST_INVALID", "message": "provided digest did not match"}]}
).encode()


def test_a_manifest_put_answered_digest_invalid_is_sent_once_more(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer
) -> None:
    """docker-registry answers 400 DIGEST_INVALID to one of two identical manifest PUTs
    that meet (two publishes of one artifact attaching the same SBOM): the digest is
    computed from the bytes sent, so the same PUT again is what stores it."""
    proxy.fail("PUT", _SBOM_MANIFEST, 400, times=1, body=_DIGEST_INVALID)
    target = open_target(f"oci://{proxy.host}/{prefix}")
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok, record.to_json()
    assert [s.status for s in proxy.seen("PUT", _SBOM_MANIFEST)] == [400, 201]


def test_a_manifest_put_answered_digest_invalid_twice_stops_the_publish(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer
) -> None:
    proxy.fail("PUT", _SBOM_MANIFEST, 400, body=_DIGEST_INVALID)
    target = open_target(f"oci://{proxy.host}/{prefix}")
    ws = make_workspace(tmp_path / "ws", "webapp")
    with pytest.raises(RegistryError, match="400 DIGEST_INVALID"):
        build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert [s.status for s in proxy.seen("PUT", _SBOM_MANIFEST)] == [400, 400]
    record = _record(ws)
    assert record["ok"] is False and "DIGEST_INVALID" in str(record["message"])


def test_the_version_tag_is_pushed_last(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer
) -> None:
    """Artifact and SBOM by digest, pulled back, both signed: only then the version tag."""
    target = open_target(f"oci://{proxy.host}/{prefix}")
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok and record.published is not None, record.to_json()
    digest = record.published.digest
    puts = [s.path.rsplit("/manifests/", 1)[1] for s in proxy.seen("PUT", "/manifests/")]
    assert puts[-1] == "1.4.2" and puts.count("1.4.2") == 1
    assert puts[0] == digest  # the artifact first, by digest
    signatures = [p for p in puts if p.endswith(".sig")]
    assert signatures == [signature_tag(digest), signature_tag(str(record.published.sbom_digest))]
    # Nobody could have read the version before it was complete.
    log = proxy.seen(path="/manifests/1.4.2$")
    tagged = next(i for i, s in enumerate(log) if s.method == "PUT")
    assert all(s.status == 404 for s in log[:tagged])
    # The pull-back guard read the artifact (by digest) before anything was signed.
    pulled = proxy.seen("GET", f"/manifests/{digest}$")
    full = proxy.seen()
    assert pulled and full.index(pulled[0]) < full.index(proxy.seen("PUT", _SIG_MANIFEST)[0])


@pytest.mark.parametrize("fault", ["truncate", "corrupt"])
def test_a_failed_pull_back_is_named_and_nothing_is_signed_or_tagged(
    tmp_path: Path,
    proxy: FaultProxy,
    registry: RegistryServer,
    prefix: str,
    signer: Signer,
    fast_retries: None,
    fault: str,
) -> None:
    getattr(proxy, fault)("GET", "/blobs/sha256:")
    target = open_target(f"oci://{proxy.host}/{prefix}", policy=HttpPolicy(retries=1))
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert not record.ok and record.failed_at == "pull", record.to_json()
    assert "lacks a declared dependency" not in record.message
    assert "is it running" not in record.message and "IncompleteRead" not in record.message
    if fault == "truncate":
        assert "a transport failure, not a content problem" in record.message
        assert "truncated body" in record.message
    else:
        assert "failed its integrity check" in record.message
        assert "an integrity failure" in record.message
    assert "nothing was signed or tagged" in record.message
    direct = RegistryStore(registry.host)
    repo = target.repo("bp-webapp")
    assert direct.resolve(repo, "1.4.2") is None
    assert direct.resolve(repo, signature_tag(str(record.manifest_digest))) is None
    assert not proxy.seen("PUT", _SIG_MANIFEST)
    assert _record(ws)["ok"] is False and _record(ws)["failedAt"] == "pull"


def test_two_publishes_with_two_keys_at_once_one_fails_clearly(
    tmp_path: Path, proxy: FaultProxy, prefix: str
) -> None:
    """Both read the (empty) signature image, then both write it: the second write
    drops the first signature. The loser must say so, not "signed"."""
    proxy.hold("PUT", _SIG_MANIFEST, parties=2)
    signers = [Signer(ec.generate_private_key(ec.SECP256R1())) for _ in range(2)]
    workspaces = [make_workspace(tmp_path / f"ws{i}", "webapp") for i in range(2)]
    records: list[BuildRecord | None] = [None, None]

    def run(i: int) -> None:
        target = open_target(f"oci://{proxy.host}/{prefix}")
        records[i] = build_blueprint(
            workspaces[i] / "blueprints/webapp", target=target, signer=signers[i]
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in records)
    done = [r for r in records if r is not None]
    assert sorted(r.ok for r in done) == [False, True], [r.to_json() for r in done]
    loser = next(i for i, r in enumerate(done) if not r.ok)
    winner = 1 - loser
    assert done[loser].failed_at == "sign"
    assert "another publish signed the same artifact at the same moment" in done[loser].message
    assert "holds no signature by this key" in done[loser].message
    assert _record(workspaces[loser])["ok"] is False

    target = open_target(f"oci://{proxy.host}/{prefix}")
    repo = target.repo("bp-webapp")
    identity = target.identity(repo)
    good = verify_artifact(
        target.store, repo, "1.4.2", signers[winner].public_key, identity=identity
    )
    assert good.ok, good.checks
    bad = verify_artifact(target.store, repo, "1.4.2", signers[loser].public_key, identity=identity)
    assert "signature" in bad.failed


def test_two_publishes_of_different_content_under_one_version_at_once(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer
) -> None:
    """Both find the version free, both push the tag at the same moment: the one whose
    tag was overwritten fails, naming the race; the version holds the other's content."""
    proxy.hold("PUT", r"/manifests/1\.4\.2$", parties=2)
    workspaces = [make_workspace(tmp_path / f"ws{i}", "webapp") for i in range(2)]
    values = workspaces[1] / "blueprints/webapp/chart/values.yaml"
    values.write_text(values.read_text() + "# other content, same version\n")
    records: list[BuildRecord | None] = [None, None]

    def run(i: int) -> None:
        target = open_target(f"oci://{proxy.host}/{prefix}")
        records[i] = build_blueprint(
            workspaces[i] / "blueprints/webapp", target=target, signer=signer
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done = [r for r in records if r is not None]
    assert len(done) == 2 and done[0].manifest_digest != done[1].manifest_digest
    assert sorted(r.ok for r in done) == [False, True], [r.to_json() for r in done]
    loser = next(r for r in done if not r.ok)
    winner = next(r for r in done if r.ok)
    assert loser.failed_at == "tag"
    assert "another publish tagged the same version at the same moment" in loser.message
    target = open_target(f"oci://{proxy.host}/{prefix}")
    assert target.store.resolve(target.repo("bp-webapp"), "1.4.2") == winner.manifest_digest


def test_a_publish_in_flight_never_leaves_the_old_record_saying_ok(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer
) -> None:
    """Killed mid-publish (here: held mid-publish), the record already says it did not finish."""
    ws = make_workspace(tmp_path / "ws", "webapp")
    old = open_target(f"oci://{proxy.host}/{prefix}-old")
    assert build_blueprint(ws / "blueprints/webapp", target=old, signer=signer).ok
    assert _record(ws)["ok"] is True
    gate = proxy.pause("PUT", r"/manifests/sha256:")
    target = open_target(f"oci://{proxy.host}/{prefix}")
    thread = threading.Thread(
        target=build_blueprint,
        args=(ws / "blueprints/webapp",),
        kwargs={"target": target, "signer": signer},
    )
    thread.start()
    try:
        assert gate.arrived.wait(timeout=60)
        during = _record(ws)
        assert during["ok"] is False and during["failedAt"] == "publish"
        assert "did not finish" in str(during["message"])
    finally:
        gate.release()
        thread.join(timeout=60)
    assert _record(ws)["ok"] is True


def test_a_failed_publish_rewrites_the_record(
    tmp_path: Path, proxy: FaultProxy, prefix: str, signer: Signer, fast_retries: None
) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    target = open_target(f"oci://{proxy.host}/{prefix}", policy=HttpPolicy(retries=1))
    assert build_blueprint(ws / "blueprints/webapp", target=target, signer=signer).ok
    assert _record(ws)["ok"] is True

    proxy.fail("HEAD", r"/manifests/1\.4\.2$", 503)
    target = open_target(f"oci://{proxy.host}/{prefix}", policy=HttpPolicy(retries=1))
    with pytest.raises(RegistryError):
        build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    record = _record(ws)
    assert record["ok"] is False and record["failedAt"] == "publish"
    assert "503" in str(record["message"]) and "gave up after 2 attempts" in str(record["message"])


def test_verify_against_a_failing_registry_is_exit_2_not_a_failed_check(
    tmp_path: Path,
    proxy: FaultProxy,
    prefix: str,
    signer: Signer,
    key_files: tuple[Path, Path],
    fast_retries: None,
) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    target = open_target(f"oci://{proxy.host}/{prefix}")
    assert build_blueprint(ws / "blueprints/webapp", target=target, signer=signer).ok
    ref = f"oci://{proxy.host}/{prefix}/bp-webapp:1.4.2"
    runner = CliRunner()
    assert runner.invoke(cli, ["verify", ref, "--key", str(key_files[1])]).exit_code == 0

    for status in (500, 503):
        proxy.clear()
        proxy.fail("GET", _SIG_MANIFEST, status)
        result = runner.invoke(
            cli, ["verify", ref, "--key", str(key_files[1]), "--retry-times", "1"]
        )
        assert result.exit_code == 2, result.output
        assert "could not verify (nothing was verified)" in result.output
        assert f"{status} " in result.output and "FAIL" not in result.output
        assert re.search(r"Traceback", result.output) is None
