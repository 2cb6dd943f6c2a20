"""Security of every write and every credential (issue 13, point 6), as attacks.

Each case plants what an attacker can commit to a repository (a symbolic link
where blueprintc writes, a FIFO or device where it reads, a password in a URL)
and runs the real CLI: the link's target keeps every byte, nothing is written
or signed through a link, reads never hang, secrets never reach output, out/
or a child process's environment.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.build.conftest import make_workspace
from tests.hostile.harness import assert_refused, run_cli, snapshot

PASSWORD = "test-only-password"  # a test key's password, nothing else
QUICK = 20.0  # seconds: a refusal that takes longer is a hang


def _victim(root: Path) -> Path:
    """A directory outside the tree holding a file an attack would overwrite."""
    victim = root / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me\n")
    return victim


def test_keygen_never_writes_through_planted_temp_links(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / ".cosign.key.tmp").symlink_to(victim / "precious.txt")
    (keys / ".cosign.pub.tmp").symlink_to(victim / "stolen.key")
    before = snapshot(victim)

    run = run_cli("keygen", "-d", keys, cwd=tmp_path, env={"COSIGN_PASSWORD": PASSWORD})

    assert run.code == 0, str(run)
    assert snapshot(victim) == before  # neither truncated nor holding the private key
    for name, mode in (("cosign.key", 0o600), ("cosign.pub", 0o644)):
        info = os.lstat(keys / name)
        assert stat.S_ISREG(info.st_mode), name
        assert stat.S_IMODE(info.st_mode) == mode, name
    assert (keys / "cosign.key").read_bytes().startswith(b"-----BEGIN ENCRYPTED SIGSTORE")


def test_keygen_force_replaces_a_planted_key_link_not_its_target(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    (tmp_path / "cosign.key").symlink_to(victim / "precious.txt")
    (tmp_path / "cosign.pub").symlink_to(victim / "precious.txt")
    before = snapshot(victim)

    refused = run_cli("keygen", cwd=tmp_path, env={"COSIGN_PASSWORD": PASSWORD})
    assert_refused(refused, "already exist", "--force")
    forced = run_cli("keygen", "--force", cwd=tmp_path, env={"COSIGN_PASSWORD": PASSWORD})

    assert forced.code == 0, str(forced)
    assert snapshot(victim) == before
    assert stat.S_ISREG(os.lstat(tmp_path / "cosign.key").st_mode)
    assert stat.S_IMODE(os.lstat(tmp_path / "cosign.key").st_mode) == 0o600


def test_keygen_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x\n")
    run = run_cli("keygen", "-d", "afile", cwd=tmp_path, env={"COSIGN_PASSWORD": PASSWORD})
    assert_refused(run, "afile is not a directory")
    assert (tmp_path / "afile").read_text() == "x\n"


def test_keygen_into_a_planted_directory_link_is_refused(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    (tmp_path / "keys").symlink_to(victim)
    before = snapshot(victim)
    run = run_cli("keygen", "-d", "keys", cwd=tmp_path, env={"COSIGN_PASSWORD": PASSWORD})
    assert_refused(run, "keys is a symbolic link")
    assert snapshot(victim) == before


def _publish_workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws", "webapp")


def test_publish_never_writes_through_a_planted_out_build_link(tmp_path: Path) -> None:
    ws = _publish_workspace(tmp_path)
    victim = _victim(tmp_path)
    (ws / "out").mkdir()
    (ws / "out" / "build").symlink_to(victim)
    before = snapshot(victim)

    run = run_cli("publish", "blueprints/webapp", cwd=ws)

    assert_refused(run, "out/build is a symbolic link")
    assert snapshot(victim) == before


def test_publish_never_writes_through_a_planted_out_oci_link(tmp_path: Path) -> None:
    ws = _publish_workspace(tmp_path)
    victim = _victim(tmp_path)
    (ws / "out").mkdir()
    (ws / "out" / "oci").symlink_to(victim)
    before = snapshot(victim)

    run = run_cli("publish", "blueprints/webapp", cwd=ws)

    assert_refused(run, "out/oci is a symbolic link")
    assert snapshot(victim) == before


def test_publish_never_writes_through_a_link_inside_the_layout(tmp_path: Path) -> None:
    ws = _publish_workspace(tmp_path)
    victim = _victim(tmp_path)
    blobs = ws / "out" / "oci" / "bp-webapp" / "blobs"
    blobs.mkdir(parents=True)
    (blobs / "sha256").symlink_to(victim)
    before = snapshot(victim)

    run = run_cli("publish", "blueprints/webapp", cwd=ws)

    assert_refused(run, "blobs/sha256 is a symbolic link")
    assert snapshot(victim) == before


def test_build_of_a_file_is_a_clear_error(tmp_path: Path) -> None:
    ws = _publish_workspace(tmp_path)
    before = snapshot(ws)
    run = run_cli("build", "blueprints/webapp/blueprint.yaml", cwd=ws)
    assert_refused(run, "is a file, not a Blueprint directory", "blueprints/webapp")
    assert snapshot(ws) == before


def test_verify_key_fifo_and_dev_zero_are_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "key.fifo")
    (tmp_path / "zero.pub").symlink_to("/dev/zero")
    for key, kind in (("key.fifo", "a FIFO"), ("/dev/zero", "a device"), ("zero.pub", "a device")):
        run = run_cli("verify", "bp-x:1.0.0", "--key", key, cwd=tmp_path, timeout=QUICK)
        assert_refused(run, f"is {kind}, not a regular file")


def test_publish_key_fifo_is_refused_at_once(tmp_path: Path) -> None:
    ws = _publish_workspace(tmp_path)
    os.mkfifo(tmp_path / "key.fifo")
    run = run_cli(
        "publish",
        "blueprints/webapp",
        "--key",
        tmp_path / "key.fifo",
        cwd=ws,
        timeout=QUICK,
        env={"COSIGN_PASSWORD": PASSWORD},
    )
    assert_refused(run, "is a FIFO, not a regular file")
    assert not (ws / "out").exists()


def test_lint_report_replaces_a_planted_link_not_its_target(tmp_path: Path) -> None:
    ws = _publish_workspace(tmp_path)
    victim = _victim(tmp_path)
    (ws / "lint.sarif").symlink_to(victim / "precious.txt")
    before = snapshot(victim)

    run = run_cli("lint", "blueprints/webapp", "--format", "sarif", "-o", "lint.sarif", cwd=ws)

    assert run.code in (0, 1), str(run)
    assert snapshot(victim) == before
    assert stat.S_ISREG(os.lstat(ws / "lint.sarif").st_mode)
