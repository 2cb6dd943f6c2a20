"""Signed delivery: every commit carries an OpenPGP signature in its ``gpgsig`` header
that real ``git verify-commit`` (with gpg and only the delivery key imported, as
Flux's verify Secret holds it) accepts; a commit re-signed with another key, or
altered after signing, is rejected."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pygit2
import pytest

from blueprintc.build.envtree import compiled_files
from blueprintc.deliver.branchplan import plan
from blueprintc.deliver.embedded import Identity, deliver, write_tree
from blueprintc.deliver.signing import PASSPHRASE_ENV, load_signer

WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)
SIGNATURE = re.compile(
    rb"\ngpgsig -----BEGIN PGP SIGNATURE-----\n(?: [^\n]*\n)+? -----END PGP SIGNATURE-----\n(?! )"
)


@pytest.fixture(scope="module")
def compiled(workspace: Path) -> Path:
    """The compiled reference workspace whose Sovereign trusts the `deliver` key."""
    return workspace / "out"


@pytest.fixture
def out(compiled: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(compiled, copy, symlinks=True)
    return copy


def _git(
    git_dir: Path, home: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GNUPGHOME": str(home)}
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], env=env, capture_output=True, check=check
    )


def _signed_delivery(out: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "test-only-passphrase")
    result = deliver(out, WHO, load_signer(keys["deliver"]))
    assert not result.failed
    assert result.count("delivered") == len(plan(compiled_files(out)))


def test_every_delivered_commit_verifies_with_the_public_key(
    out: Path, openpgp_keys: dict[str, Path], gnupg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_delivery(out, openpgp_keys, monkeypatch)
    checked = 0
    for (repo, branch), _files in plan(compiled_files(out)).items():
        git_dir = out / "git" / f"{repo}.git"
        done = _git(git_dir, gnupg_home, "verify-commit", "--raw", branch)
        assert b"GOODSIG" in done.stderr, done.stderr
        assert b"VALIDSIG" in done.stderr
        raw = _git(git_dir, gnupg_home, "cat-file", "commit", branch).stdout
        assert len(SIGNATURE.findall(raw)) == 1  # git's own layout of the header
        checked += 1
    assert checked > 3


def test_the_commit_is_laid_out_as_git_commit_s_writes_it(
    out: Path, openpgp_keys: dict[str, Path], gnupg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git itself signs the same commit (with the passphrase-less test key, imported
    into gpg): the two objects differ only in the signature's own bytes."""
    _signed_delivery(out, openpgp_keys, monkeypatch)
    env = {**os.environ, "GNUPGHOME": str(gnupg_home)}
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--import",
            str(openpgp_keys["other"]),
        ],
        env=env,
        capture_output=True,
        check=True,
    )
    git_dir = out / "git/acme/shop.git"
    ours = _git(git_dir, gnupg_home, "cat-file", "commit", "develop").stdout
    tree = _git(git_dir, gnupg_home, "rev-parse", "develop^{tree}").stdout.decode().strip()
    stamp = f"@{WHO.when} +0000"
    theirs_id = (
        subprocess.run(
            [
                "git",
                "--git-dir",
                str(git_dir),
                "-c",
                "gpg.program=gpg",
                "commit-tree",
                "-S" + load_signer(openpgp_keys["other"]).fingerprint,
                tree,
                "-F",
                "-",
            ],
            input=ours.split(b"\n\n", 1)[1],
            env={
                **env,
                "GIT_AUTHOR_NAME": WHO.name,
                "GIT_AUTHOR_EMAIL": WHO.email,
                "GIT_COMMITTER_NAME": WHO.name,
                "GIT_COMMITTER_EMAIL": WHO.email,
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
            },
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    theirs = _git(git_dir, gnupg_home, "cat-file", "commit", theirs_id).stdout

    def shape(raw: bytes) -> bytes:
        return re.sub(rb"\n [A-Za-z0-9+/=]+(?=\n)", b"\n <sig>", raw)

    assert SIGNATURE.search(theirs) is not None
    assert re.sub(rb"(\n <sig>)+", b"\n <sig>", shape(ours)) == re.sub(
        rb"(\n <sig>)+", b"\n <sig>", shape(theirs)
    )


def test_a_commit_on_top_of_a_tip_is_signed_too(
    out: Path, openpgp_keys: dict[str, Path], gnupg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_delivery(out, openpgp_keys, monkeypatch)
    git_dir = out / "git/system/fleet.git"
    git = pygit2.Repository(str(git_dir))
    tip = git.get(git.references["refs/heads/main"].target)
    assert isinstance(tip, pygit2.Commit)
    older = write_tree(git, {"old.yaml": b"a: 1\n"})
    sig = pygit2.Signature("x", "x@x", 1, 0)
    git.create_commit("refs/heads/main", sig, sig, tip.message, older, [tip.id])
    result = deliver(out, WHO, load_signer(openpgp_keys["deliver"]))
    assert [(b.repo, b.branch) for b in result.branches if b.status == "delivered"] == [
        ("system/fleet", "main")
    ]
    log = _git(git_dir, gnupg_home, "log", "--format=%G?", "main").stdout.decode().split()
    assert log == ["G", "N", "G"]  # ours signed, the hand-made one in between not


def test_resigned_or_altered_commit_is_rejected(
    out: Path, openpgp_keys: dict[str, Path], gnupg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_delivery(out, openpgp_keys, monkeypatch)
    git_dir = out / "git/acme/shop.git"
    raw = _git(git_dir, gnupg_home, "cat-file", "commit", "develop").stdout
    header = SIGNATURE.search(raw)
    assert header is not None
    unsigned = raw[: header.start()] + b"\n" + raw[header.end() :]

    other = load_signer(openpgp_keys["other"])
    armored = other.sign(unsigned).rstrip("\n").replace("\n", "\n ")
    resigned = raw[: header.start()] + f"\ngpgsig {armored}\n".encode() + raw[header.end() :]
    altered = raw.replace(b"Inputs: sha256:", b"Inputs: sha256:0")
    assert altered != raw
    for forged, verdict in ((resigned, b"NO_PUBKEY"), (altered, b"BADSIG")):
        oid = (
            subprocess.run(
                ["git", "--git-dir", str(git_dir), "hash-object", "-t", "commit", "-w", "--stdin"],
                input=forged,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .strip()
        )
        done = _git(git_dir, gnupg_home, "verify-commit", "--raw", oid, check=False)
        assert done.returncode != 0
        assert verdict in done.stderr, done.stderr
    # the same re-signing with the delivery key verifies: the forgery test is sound
    own = load_signer(openpgp_keys["deliver"]).sign(unsigned).rstrip("\n").replace("\n", "\n ")
    good = raw[: header.start()] + f"\ngpgsig {own}\n".encode() + raw[header.end() :]
    oid = (
        subprocess.run(
            ["git", "--git-dir", str(git_dir), "hash-object", "-t", "commit", "-w", "--stdin"],
            input=good,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    assert _git(git_dir, gnupg_home, "verify-commit", oid).returncode == 0


def test_the_signature_is_one_flux_go_crypto_reads(
    out: Path, openpgp_keys: dict[str, Path], gnupg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """v4, EdDSA (22) over SHA-512 (10), and no critical subpacket but the creation
    time: an unknown critical one would make Flux's verifier refuse the commit."""
    _signed_delivery(out, openpgp_keys, monkeypatch)
    raw = _git(out / "git/system/fleet.git", gnupg_home, "cat-file", "commit", "main").stdout
    header = SIGNATURE.search(raw)
    assert header is not None
    lines = raw[header.start() + 1 : header.end()].split(b"\n")
    armored = b"\n".join([lines[0].removeprefix(b"gpgsig ")] + [x[1:] for x in lines[1:]])
    packets = subprocess.run(
        ["gpg", "--list-packets"],
        input=armored,
        env={**os.environ, "GNUPGHOME": str(gnupg_home)},
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "version 4" in packets and "algo 22" in packets and "digest algo 10" in packets
    critical = [line.strip() for line in packets.splitlines() if "critical" in line]
    assert critical and all(line.startswith("critical hashed subpkt 2 ") for line in critical)


def test_a_delivery_signed_after_an_unsigned_one_signs_the_tips(
    out: Path, openpgp_keys: dict[str, Path], gnupg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trees are the same, so every branch was "unchanged" and kept its unsigned
    tip, which Flux's `verify` refuses."""
    assert not deliver(out, WHO).failed
    monkeypatch.setenv(PASSPHRASE_ENV, "test-only-passphrase")
    signer = load_signer(openpgp_keys["deliver"])

    signed = deliver(out, WHO, signer)

    assert signed.count("delivered") == len(signed.branches)
    fleet = out / "git/system/fleet.git"
    assert b"GOODSIG" in _git(fleet, gnupg_home, "verify-commit", "--raw", "main").stderr
    assert deliver(out, WHO, signer).count("unchanged") == len(signed.branches)


def test_a_key_the_sovereign_does_not_trust_is_refused_before_anything_is_written(
    out: Path, openpgp_keys: dict[str, Path]
) -> None:
    from blueprintc.deliver.errors import DeliverError

    with pytest.raises(DeliverError) as refused:
        deliver(out, WHO, load_signer(openpgp_keys["other"]))

    assert "is not one of the Sovereign's spec.git.signingKeys" in str(refused.value)
    assert "Flux would refuse every commit it signs" in str(refused.value)
    assert not (out / "git").exists()
