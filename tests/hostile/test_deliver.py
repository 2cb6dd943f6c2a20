"""Hostile input to `blueprintc deliver`: each refusal is one line, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.compile.helpers import copy_workspace, trust_signing_key
from tests.hostile.harness import REPO, assert_refused, run_cli


def test_missing_out_is_refused(tmp_path: Path) -> None:
    run = run_cli("deliver", "--out", tmp_path / "nothing", cwd=tmp_path)
    assert_refused(run, "does not exist", "blueprintc compile")


def test_unrelated_history_is_refused_per_branch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("compile", "--out", out, cwd=REPO).code == 0
    git_dir = out / "git/acme/shop.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(git_dir)], check=True)
    tree = subprocess.run(
        ["git", "--git-dir", str(git_dir), "mktree"],
        input="",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {
        "GIT_AUTHOR_NAME": "x",
        "GIT_AUTHOR_EMAIL": "x@x",
        "GIT_COMMITTER_NAME": "x",
        "GIT_COMMITTER_EMAIL": "x@x",
    }
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "commit-tree", tree, "-m", "by hand"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    branches = sorted(p.name for p in (out / "repos/acme/shop").iterdir())
    for branch in branches:
        subprocess.run(
            ["git", "--git-dir", str(git_dir), "update-ref", f"refs/heads/{branch}", commit],
            check=True,
        )
    run = run_cli("deliver", "--out", out, cwd=tmp_path)
    assert_refused(run, "history blueprintc did not write", "then deliver again", code=1)
    for branch in branches:
        head = subprocess.run(
            ["git", "--git-dir", str(git_dir), "rev-parse", branch],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert head == commit


def test_missing_signing_key_is_refused(tmp_path: Path) -> None:
    run = run_cli("deliver", "--signing-key", tmp_path / "nope.key", cwd=tmp_path)
    assert_refused(run, "nope.key: no such file", "blueprintc keygen --openpgp")


def test_protected_signing_key_without_or_with_a_wrong_passphrase(
    tmp_path: Path, openpgp_keys: dict[str, Path]
) -> None:
    key = openpgp_keys["deliver"]
    run = run_cli("deliver", "--signing-key", key, cwd=tmp_path)
    assert_refused(run, "protected by a passphrase", "set BLUEPRINTC_SIGNING_PASSPHRASE")
    env = {"BLUEPRINTC_SIGNING_PASSPHRASE": "not-it"}
    run = run_cli("deliver", "--signing-key", key, cwd=tmp_path, env=env)
    assert_refused(run, "did not unlock", "wrong passphrase")
    assert "not-it" not in run.output
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_public_key_or_garbage_is_not_a_signing_key(
    tmp_path: Path, openpgp_keys: dict[str, Path]
) -> None:
    garbage = tmp_path / "garbage.key"
    garbage.write_bytes(b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64 !!\n")
    for key in (openpgp_keys["deliver.pub"], garbage):
        run = run_cli("deliver", "--signing-key", key, cwd=tmp_path)
        assert_refused(run, f"{key.name} is not an OpenPGP secret key")


def test_keygen_openpgp_makes_a_key_deliver_signs_with(tmp_path: Path) -> None:
    env = {"BLUEPRINTC_SIGNING_PASSPHRASE": "test-only-passphrase"}
    keys = tmp_path / "keys"
    run = run_cli("keygen", "--openpgp", "-d", keys, cwd=tmp_path, env=env)
    assert run.code == 0, str(run)
    assert (keys / "openpgp.key").stat().st_mode & 0o777 == 0o600
    assert b"PUBLIC KEY BLOCK" in (keys / "openpgp.pub").read_bytes()
    again = run_cli("keygen", "--openpgp", "-d", keys, cwd=tmp_path, env=env)
    assert_refused(again, "already exist", "--force")
    out = tmp_path / "out"
    assert run_cli("compile", "--out", out, cwd=REPO).code == 0
    untrusted = run_cli(
        "deliver", "--out", out, "--signing-key", keys / "openpgp.key", cwd=tmp_path, env=env
    )
    assert_refused(untrusted, "not one of the Sovereign's spec.git.signingKeys")
    root = copy_workspace(tmp_path / "ws")
    trust_signing_key(root, keys / "openpgp.pub")  # what the user does with openpgp.pub
    assert run_cli("compile", "--out", out, cwd=root).code == 0
    run = run_cli(
        "deliver", "--out", out, "--signing-key", keys / "openpgp.key", cwd=tmp_path, env=env
    )
    assert run.code == 0, str(run)
    raw = subprocess.run(
        ["git", "--git-dir", str(out / "git/system/fleet.git"), "cat-file", "commit", "main"],
        capture_output=True,
        check=True,
    ).stdout
    assert b"\ngpgsig -----BEGIN PGP SIGNATURE-----\n" in raw


def test_bad_remotes_and_credentials_are_one_line_each(
    tmp_path: Path, git_server: tuple[str, Path]
) -> None:
    base, root = git_server
    out = tmp_path / "out"
    assert run_cli("compile", "--out", out, cwd=REPO).code == 0
    for name in ("acme/shop", "acme/wiki", "globex/docs", "globex/mailer"):
        subprocess.run(["git", "init", "-q", "--bare", str(root / f"{name}.git")], check=True)
    secret = "s3cret-never-shown"
    cases = [
        (
            {"BLUEPRINTC_GIT_USERNAME": "deliver", "BLUEPRINTC_GIT_PASSWORD": secret},
            base,
            ["refused the credentials", "$BLUEPRINTC_GIT_USERNAME and $BLUEPRINTC_GIT_PASSWORD"],
        ),
        (
            {"BLUEPRINTC_GIT_TOKEN": secret},
            base,
            ["refused the credentials", "BLUEPRINTC_GIT_TOKEN"],
        ),
        ({"HOME": str(tmp_path)}, base, ["asks for credentials", "credential helper"]),
        ({}, "http://127.0.0.1:9", ["is unreachable", "--remote"]),
        (
            {},
            base.replace("http://", f"http://deliver:{secret}@"),
            ["user name and password", "not shown"],
        ),
        ({}, "ftp://127.0.0.1/x", ["not an http(s) URL"]),
    ]
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for env, remote, needles in cases:
        run = run_cli("deliver", "--out", out, "--remote", remote, cwd=tmp_path, env=env)
        assert_refused(run, *needles)
        assert secret not in run.output
        assert len(run.stderr.strip().splitlines()) == 1, str(run)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    run = run_cli("deliver", "--out", out, "--remote", base, "--timeout", "soon", cwd=tmp_path)
    assert_refused(run, "--timeout", "not a Go duration")
