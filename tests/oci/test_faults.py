"""Registry faults, injected by a proxy on 127.0.0.1 in front of the real registry:
retries, Retry-After, resets, truncated and corrupted bodies, size caps, deadlines."""

from __future__ import annotations

import email.utils
import time

import pytest

from blueprintc.oci import (
    DigestMismatchError,
    HttpPolicy,
    RegistryError,
    RegistryStore,
    TransportError,
)
from blueprintc.oci.content import OCI_MANIFEST, go_json
from blueprintc.oci.policy import Deadline, PolicyError, parse_duration, retry_after_seconds

from .fault_proxy import FaultProxy

_LAYER = b"layer bytes of the fault tests " * 64


def _push(store: RegistryStore, repo: str, tag: str = "v1") -> tuple[str, str]:
    """A small image: returns (manifest digest, layer digest)."""
    config = store.push_blob(repo, b"{}", "application/vnd.test.config.v1+json")
    layer = store.push_blob(repo, _LAYER, "application/vnd.test.layer.v1")
    doc = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.to_dict(),
        "layers": [layer.to_dict()],
    }
    return store.push_manifest(repo, go_json(doc), OCI_MANIFEST, tag=tag), layer.digest


def test_429_with_retry_after_three_times_then_success(proxy: FaultProxy, repo: str) -> None:
    proxy.fail("PUT", "/manifests/v1$", 429, times=3, headers={"Retry-After": "1"})
    store = RegistryStore(proxy.host)
    start = time.monotonic()
    digest, _ = _push(store, repo)
    elapsed = time.monotonic() - start
    assert store.resolve(repo, "v1") == digest
    assert [s.status for s in proxy.seen("PUT", "/manifests/v1$")] == [429, 429, 429, 201]
    assert elapsed >= 3.0, f"Retry-After: 1 was not honoured ({elapsed:.2f} s for 3 waits)"


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_gateway_failures_are_retried(
    proxy: FaultProxy, repo: str, status: int, fast_retries: None
) -> None:
    store = RegistryStore(proxy.host)
    digest, layer = _push(store, repo)
    proxy.fail("GET", "/manifests/v1$", status, times=2)
    proxy.fail("GET", f"/blobs/{layer}$", status, times=2)
    assert store.get_manifest(repo, "v1").digest == digest
    assert store.get_blob(repo, layer) == _LAYER
    assert [s.status for s in proxy.seen("GET", "/manifests/v1$")] == [status, status, 200]


def test_a_500_is_not_retried(proxy: FaultProxy, repo: str, fast_retries: None) -> None:
    store = RegistryStore(proxy.host)
    _push(store, repo)
    proxy.fail("GET", "/manifests/v1$", 500)
    with pytest.raises(RegistryError) as err:
        store.get_manifest(repo, "v1")
    assert err.value.status == 500 and "registry-side failure: not retried" in str(err.value)
    assert len(proxy.seen("GET", "/manifests/v1$")) == 1


def test_retries_are_bounded(proxy: FaultProxy, repo: str, fast_retries: None) -> None:
    store = RegistryStore(proxy.host, policy=HttpPolicy(retries=2, backoff=0.01))
    proxy.fail("HEAD", "/manifests/v1$", 503)
    with pytest.raises(RegistryError) as err:
        store.resolve(repo, "v1")
    assert err.value.status == 503 and "gave up after 3 attempts" in str(err.value)
    assert len(proxy.seen("HEAD", "/manifests/v1$")) == 3


def test_connection_reset_is_retried(proxy: FaultProxy, repo: str, fast_retries: None) -> None:
    store = RegistryStore(proxy.host)
    _, layer = _push(store, repo)
    proxy.reset("GET", f"/blobs/{layer}$", times=2)
    assert store.get_blob(repo, layer) == _LAYER
    assert [s.status for s in proxy.seen("GET", f"/blobs/{layer}$")] == [0, 0, 200]


def test_a_failed_upload_restarts_with_a_new_session(
    proxy: FaultProxy, repo: str, fast_retries: None
) -> None:
    """The PUT closing an upload session is not resent as is: a new session is opened."""
    store = RegistryStore(proxy.host)
    proxy.reset("PUT", "/blobs/uploads/", times=1)
    proxy.fail("PUT", "/blobs/uploads/", 503, times=1)
    desc = store.push_blob(repo, b"uploaded after two failures", "application/octet-stream")
    assert store.get_blob(repo, desc.digest) == b"uploaded after two failures"
    posts = proxy.seen("POST", "/blobs/uploads/")
    puts = proxy.seen("PUT", "/blobs/uploads/")
    assert [s.status for s in puts] == [0, 503, 201]
    assert len(posts) == 3  # one session per attempt
    assert len({s.path.split("?")[0] for s in puts}) == 3


def test_a_truncated_body_is_named_a_transport_failure(
    proxy: FaultProxy, repo: str, fast_retries: None
) -> None:
    store = RegistryStore(proxy.host, policy=HttpPolicy(retries=1, backoff=0.01))
    _, layer = _push(store, repo)
    proxy.truncate("GET", f"/blobs/{layer}$")
    with pytest.raises(TransportError) as err:
        store.get_blob(repo, layer)
    message = str(err.value)
    assert err.value.code == "TRUNCATED"
    assert f"connection closed after {len(_LAYER) // 2} of {len(_LAYER)} bytes" in message
    assert "a truncated body: a transport failure" in message
    assert "is it running" not in message and "IncompleteRead" not in message
    assert len(proxy.seen("GET", f"/blobs/{layer}$")) == 2  # retried once, as configured


def test_a_truncated_body_that_recovers_is_retried(
    proxy: FaultProxy, repo: str, fast_retries: None
) -> None:
    store = RegistryStore(proxy.host)
    digest, _ = _push(store, repo)
    proxy.truncate("GET", "/manifests/v1$", times=1)
    assert store.get_manifest(repo, "v1").digest == digest


@pytest.mark.parametrize("what", ["blob", "manifest"])
def test_a_corrupted_body_is_named_an_integrity_failure(
    proxy: FaultProxy, repo: str, what: str
) -> None:
    store = RegistryStore(proxy.host)
    digest, layer = _push(store, repo)
    proxy.corrupt("GET", f"/blobs/{layer}$" if what == "blob" else "/manifests/")
    with pytest.raises(DigestMismatchError) as err:
        if what == "blob":
            store.get_blob(repo, layer)
        else:
            store.get_manifest(repo, digest)
    message = str(err.value)
    assert "an integrity failure" in message and "content does not match its digest" in message
    assert f"{what} {repo}" in message


def test_bodies_are_read_with_a_size_cap(proxy: FaultProxy, repo: str) -> None:
    store = RegistryStore(proxy.host)
    _, layer = _push(store, repo)
    small = RegistryStore(proxy.host, policy=HttpPolicy(blob_limit=100, manifest_limit=100))
    with pytest.raises(RegistryError) as err:
        small.get_blob(repo, layer)
    assert err.value.code == "SIZE_EXCEEDED" and "above the 100 byte limit" in str(err.value)
    with pytest.raises(RegistryError) as err:
        small.get_manifest(repo, "v1")
    assert err.value.code == "SIZE_EXCEEDED"


def test_retry_after_beyond_the_deadline_fails_at_once(proxy: FaultProxy, repo: str) -> None:
    proxy.fail("HEAD", "/manifests/v1$", 429, headers={"Retry-After": "3600"})
    store = RegistryStore(proxy.host, policy=HttpPolicy(deadline=5.0))
    start = time.monotonic()
    with pytest.raises(TransportError) as err:
        store.resolve(repo, "v1")
    assert time.monotonic() - start < 2
    assert err.value.code == "DEADLINE_EXCEEDED"
    assert "overall deadline of 5 s" in str(err.value) and "--deadline" in str(err.value)


def test_retry_after_is_capped(proxy: FaultProxy, repo: str) -> None:
    proxy.fail("HEAD", "/manifests/v1$", 429, times=1, headers={"Retry-After": "3600"})
    store = RegistryStore(proxy.host, policy=HttpPolicy(retry_after_cap=0.3))
    start = time.monotonic()
    assert store.resolve(repo, "v1") is None
    assert 0.3 <= time.monotonic() - start < 3


def test_retry_after_as_an_http_date(proxy: FaultProxy, repo: str) -> None:
    store = RegistryStore(proxy.host)
    digest, _ = _push(store, repo)
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    proxy.fail("GET", "/manifests/v1$", 503, times=1, headers={"Retry-After": when})
    start = time.monotonic()
    assert store.get_manifest(repo, "v1").digest == digest
    assert time.monotonic() - start >= 0.9  # the date has a 1 s resolution


def test_no_answer_times_out(repo: str) -> None:
    """A registry that accepts connections and never answers: --timeout bounds it."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        host = f"127.0.0.1:{listener.getsockname()[1]}"
        store = RegistryStore(host, policy=HttpPolicy(timeout=0.5))
        start = time.monotonic()
        with pytest.raises(TransportError) as err:
            store.resolve(repo, "v1")
    assert time.monotonic() - start < 5
    assert err.value.code == "TIMEOUT" and "per-request timeout" in str(err.value)


def test_policy_parsing() -> None:
    assert parse_duration("30") == 30 and parse_duration("1m30s") == 90
    assert parse_duration("500ms") == 0.5 and parse_duration("2.5") == 2.5
    for bad in ("", "abc", "-1", "0", "5 minutes", "1y"):
        with pytest.raises(PolicyError):
            parse_duration(bad, "--timeout")
    env = {"BLUEPRINTC_REGISTRY_TIMEOUT": "5s", "BLUEPRINTC_REGISTRY_RETRIES": "2"}
    policy = HttpPolicy.from_env(env, deadline="2m")
    assert (policy.timeout, policy.retries, policy.deadline) == (5, 2, 120)
    assert HttpPolicy.from_env(env, timeout="7", retries=0).timeout == 7
    with pytest.raises(PolicyError, match="BLUEPRINTC_REGISTRY_RETRIES"):
        HttpPolicy.from_env({"BLUEPRINTC_REGISTRY_RETRIES": "many"})
    assert retry_after_seconds("7") == 7 and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    waits = [HttpPolicy(backoff=1).backoff_wait(n) for n in range(8)]
    assert 0.5 <= waits[0] <= 1 and 4 <= waits[3] <= 8 and all(w <= 30 for w in waits)


def test_the_deadline_counts_registry_io_only() -> None:
    """Lint and packaging between requests do not use up the registry's budget."""
    deadline = Deadline(0.3)
    time.sleep(0.35)
    assert deadline.remaining() > 0.25
    with deadline.running():
        time.sleep(0.2)
        with deadline.running():  # nested: a retry wait inside a request
            time.sleep(0.15)
    assert deadline.remaining() < 0
