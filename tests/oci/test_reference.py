"""Reference parsing and formatting, and clear errors for bad ones."""

from __future__ import annotations

import pytest

from blueprintc.oci import InvalidReferenceError, Reference

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "host", "repo", "tag", "digest"),
    [
        ("oci://ghcr.io/org/charts/bp-cnpg:1.2.3", "ghcr.io", "org/charts/bp-cnpg", "1.2.3", None),
        ("oci://127.0.0.1:5000/bp-x", "127.0.0.1:5000", "bp-x", None, None),
        (f"oci://reg.example/a/b@{DIGEST}", "reg.example", "a/b", None, DIGEST),
        (f"reg.example:443/a/b:v1@{DIGEST}", "reg.example:443", "a/b", "v1", DIGEST),
        (
            "oci://localhost/a__b/c-d.e:1.0.0_build.1",
            "localhost",
            "a__b/c-d.e",
            "1.0.0_build.1",
            None,
        ),
    ],
)
def test_parse_and_format(
    text: str, host: str, repo: str, tag: str | None, digest: str | None
) -> None:
    ref = Reference.parse(text)
    assert (ref.host, ref.repository, ref.tag, ref.digest) == (host, repo, tag, digest)
    assert Reference.parse(str(ref)) == ref
    assert str(ref).startswith("oci://")
    assert ref.repository_url == f"oci://{host}/{repo}"
    assert ref.ref == (digest or tag or "latest")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("oci://ghcr.io", "expected oci://host"),
        ("https://ghcr.io/a/b", "only the 'oci://' scheme"),
        ("oci://ghcr.io/Upper/Case", "invalid repository name"),
        ("oci://ghcr.io/a/../b", "invalid repository name"),
        ("oci://ghcr.io/a:bad tag", "invalid tag"),
        ("oci://ghcr.io/a@sha256:1234", "invalid digest"),
        ("oci://bad_host!/a", "invalid registry host"),
    ],
)
def test_errors_are_clear(text: str, message: str) -> None:
    with pytest.raises(InvalidReferenceError, match=message):
        Reference.parse(text)


def test_credentials_in_a_reference_are_refused_without_echo() -> None:
    with pytest.raises(InvalidReferenceError) as err:
        Reference.parse("oci://robot:s3cr3t-token@ghcr.io/org/app:1")
    assert "s3cr3t-token" not in str(err.value)
    assert "BLUEPRINTC_REGISTRY_USERNAME" in str(err.value)
