"""Both stores behave the same: blobs, manifests, tags, resolve, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from blueprintc.oci import (
    Descriptor,
    DigestMismatchError,
    LayoutStore,
    NotFoundError,
    OCIError,
    Store,
)
from blueprintc.oci.content import OCI_INDEX, OCI_MANIFEST, go_json, sha256_digest

MISSING = "sha256:" + "0" * 64


def _manifest(store: Store, repo: str, payload: bytes, **annotations: str) -> bytes:
    config = store.push_blob(repo, b"{}", "application/vnd.test.config.v1+json")
    layer = store.push_blob(repo, payload, "application/vnd.test.layer.v1")
    doc = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.to_dict(),
        "layers": [layer.to_dict()],
        "annotations": annotations,
    }
    return go_json(doc)


def test_store_protocol(store: Store) -> None:
    assert isinstance(store, Store)


def test_blob_round_trip(store: Store, repo: str) -> None:
    desc = store.push_blob(repo, b"hello blob", "text/plain")
    assert desc == Descriptor("text/plain", sha256_digest(b"hello blob"), 10)
    assert store.has_blob(repo, desc.digest)
    assert store.get_blob(repo, desc.digest) == b"hello blob"
    assert store.push_blob(repo, b"hello blob", "text/plain") == desc  # idempotent
    assert not store.has_blob(repo, MISSING)
    with pytest.raises(NotFoundError) as err:
        store.get_blob(repo, MISSING)
    assert err.value.code == "BLOB_UNKNOWN"


def test_manifest_tags_and_resolve(store: Store, repo: str) -> None:
    first = _manifest(store, repo, b"one")
    second = _manifest(store, repo, b"two")
    d1 = store.push_manifest(repo, first, OCI_MANIFEST, tag="v1")
    assert d1 == sha256_digest(first)
    assert store.resolve(repo, "v1") == d1
    assert store.resolve(repo, "nope") is None
    got = store.get_manifest(repo, "v1")
    assert got == (first, OCI_MANIFEST, d1)
    assert store.get_manifest(repo, d1).data == first

    d2 = store.push_manifest(repo, second, OCI_MANIFEST, tag="latest")
    store.push_manifest(repo, second, OCI_MANIFEST, tag="v2")
    assert store.tags(repo) == ["latest", "v1", "v2"]
    store.push_manifest(repo, second, OCI_MANIFEST, tag="v1")  # move a tag
    assert store.resolve(repo, "v1") == d2
    assert store.get_manifest(repo, d1).data == first  # still reachable by digest
    untagged = _manifest(store, repo, b"three")
    d3 = store.push_manifest(repo, untagged, OCI_MANIFEST)
    assert store.get_manifest(repo, d3).digest == d3
    assert store.tags(repo) == ["latest", "v1", "v2"]


def test_missing_manifest(store: Store, repo: str) -> None:
    store.push_manifest(repo, _manifest(store, repo, b"x"), OCI_MANIFEST, tag="v1")
    with pytest.raises(NotFoundError) as err:
        store.get_manifest(repo, "v404")
    assert err.value.code == "MANIFEST_UNKNOWN"
    with pytest.raises(NotFoundError):
        store.get_manifest(repo, MISSING)
    assert store.tags("t/never-pushed") == []


def test_manifest_needs_its_blobs(store: Store, repo: str) -> None:
    doc = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.test", "digest": MISSING, "size": 2},
        "layers": [],
    }
    with pytest.raises(OCIError) as err:
        store.push_manifest(repo, go_json(doc), OCI_MANIFEST, tag="broken")
    assert err.value.code == "MANIFEST_BLOB_UNKNOWN"


def test_index_and_referrers(store: Store, repo: str) -> None:
    child = _manifest(store, repo, b"child")
    child_digest = store.push_manifest(repo, child, OCI_MANIFEST)
    index = go_json(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [Descriptor(OCI_MANIFEST, child_digest, len(child)).to_dict()],
        }
    )
    index_digest = store.push_manifest(repo, index, OCI_INDEX, tag="multi")
    assert store.get_manifest(repo, "multi") == (index, OCI_INDEX, index_digest)
    assert store.referrers(repo, child_digest) == []


def test_invalid_names_are_refused(store: Store) -> None:
    for bad in ("../escape", "UPPER", "a//b", "/abs", ""):
        with pytest.raises(ValueError):
            store.has_blob(bad, MISSING)
    with pytest.raises(ValueError):
        store.get_blob("t/ok", "sha256:xyz")


def test_layout_on_disk_is_standard_and_deterministic(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    repo = "charts/bp-demo"
    manifest = _manifest(store, repo, b"layer")
    store.push_manifest(repo, manifest, OCI_MANIFEST, tag="b")
    store.push_manifest(repo, manifest, OCI_MANIFEST, tag="a")
    root = tmp_path / "charts" / "bp-demo"
    assert json.loads((root / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
    index = json.loads((root / "index.json").read_text())
    names = [m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"]]
    assert names == ["a", "b"]
    digest = sha256_digest(manifest)
    assert (root / "blobs" / "sha256" / digest.split(":")[1]).read_bytes() == manifest
    assert not [p for p in root.rglob(".*.tmp")]  # write_file's temp names

    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    os.utime(root / "index.json", ns=(1, 1))
    store.push_manifest(repo, manifest, OCI_MANIFEST, tag="a")  # no change: no write
    assert (root / "index.json").stat().st_mtime_ns == 1
    assert set(before) == {p for p in root.rglob("*") if p.is_file()}


def test_layout_detects_corruption(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    desc = store.push_blob("r", b"good")
    (tmp_path / "r" / "blobs" / "sha256" / desc.digest.split(":")[1]).write_bytes(b"evil")
    with pytest.raises(DigestMismatchError):
        store.get_blob("r", desc.digest)


def test_layout_referrers(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    subject_bytes = _manifest(store, "r", b"s")
    subject = store.push_manifest("r", subject_bytes, OCI_MANIFEST, tag="v1")
    config = store.push_blob("r", b"{}", "application/vnd.oci.empty.v1+json")
    referrer = go_json(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.to_dict(),
            "layers": [],
            "subject": Descriptor(OCI_MANIFEST, subject, len(subject_bytes)).to_dict(),
            "annotations": {"kind": "sbom"},
        }
    )
    ref_digest = store.push_manifest("r", referrer, OCI_MANIFEST)
    [found] = store.referrers("r", subject)
    assert (found.digest, dict(found.annotations)) == (ref_digest, {"kind": "sbom"})


def test_descriptor_is_immutable() -> None:
    desc = Descriptor.of(b"x", "text/plain", {"b": "2", "a": "1"})
    assert list(desc.annotations) == ["a", "b"]
    with pytest.raises(TypeError):
        desc.annotations["c"] = "3"  # type: ignore[index]
    with pytest.raises(ValueError):
        Descriptor("text/plain", "md5:abc", 1)


def test_open_store(tmp_path: Path) -> None:
    from blueprintc.oci import RegistryStore, open_store

    assert isinstance(open_store(tmp_path / "out" / "oci"), LayoutStore)
    remote = open_store("oci://127.0.0.1:5000")
    assert isinstance(remote, RegistryStore) and remote.plain_http
    with pytest.raises(ValueError, match="without a path"):
        open_store("oci://ghcr.io/org")
    with pytest.raises(ValueError) as err:
        open_store("oci://me:hunter2@ghcr.io")
    assert "hunter2" not in str(err.value)


def test_layout_concurrent_tagging(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = LayoutStore(tmp_path)
    manifests = [_manifest(store, "r", f"payload {i}".encode()) for i in range(16)]
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: store.push_manifest("r", manifests[i], OCI_MANIFEST, tag=f"v{i:02d}"),
                range(16),
            )
        )
    assert store.tags("r") == [f"v{i:02d}" for i in range(16)]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_layout_prune_matches_a_fresh_build(tmp_path: Path) -> None:
    reused, fresh = LayoutStore(tmp_path / "reused"), LayoutStore(tmp_path / "fresh")
    old = _manifest(reused, "app", b"old layer")
    reused.push_manifest("app", old, OCI_MANIFEST, tag="latest")
    new = _manifest(reused, "app", b"new layer")
    reused.push_manifest("app", new, OCI_MANIFEST, tag="latest")
    fresh.push_manifest("app", _manifest(fresh, "app", b"new layer"), OCI_MANIFEST, tag="latest")
    assert _tree(tmp_path / "reused") != _tree(tmp_path / "fresh")
    removed = reused.prune("app")
    assert removed == sorted([sha256_digest(old), sha256_digest(b"old layer")])
    assert _tree(tmp_path / "reused") == _tree(tmp_path / "fresh")
    assert reused.prune("app") == []


def test_layout_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    root = tmp_path / "out" / "oci"
    (root / "r" / "blobs").mkdir(parents=True)
    (root / "r" / "blobs" / "sha256").symlink_to(victim)
    with pytest.raises(OCIError, match="blobs/sha256 is a symbolic link"):
        LayoutStore(root).push_blob("r", b"data")
    assert os.listdir(victim) == []

    (tmp_path / "out" / "elsewhere").mkdir()
    anchored = LayoutStore(tmp_path / "out" / "link", anchor=tmp_path / "out")
    (tmp_path / "out" / "link").symlink_to(tmp_path / "out" / "elsewhere")
    with pytest.raises(OCIError, match="out/link is a symbolic link"):
        anchored.push_blob("r", b"data")
    assert os.listdir(tmp_path / "out" / "elsewhere") == []


def test_layout_reads_refuse_links_and_fifos(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    store.push_blob("r", b"x")
    index = tmp_path / "r" / "index.json"
    os.mkfifo(index)
    with pytest.raises(OCIError, match="is a FIFO"):
        store.tags("r")
    index.unlink()
    (tmp_path / "secret.json").write_text('{"manifests": []}')
    index.symlink_to(tmp_path / "secret.json")
    with pytest.raises(OCIError, match=r"index\.json is a symbolic link"):
        store.tags("r")


def test_layout_prune_never_deletes_through_a_link(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path / "oci")
    manifest = _manifest(store, "app", b"layer")
    store.push_manifest("app", manifest, OCI_MANIFEST, tag="latest")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious").write_text("keep")
    (tmp_path / "oci" / "app" / "blobs" / "evil").symlink_to(victim)
    with pytest.raises(OCIError, match="blobs/evil is a symbolic link"):
        store.prune("app")
    assert (victim / "precious").read_text() == "keep"
