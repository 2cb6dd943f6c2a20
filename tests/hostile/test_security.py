"""Security of every write and every credential (issue 13, point 6), as attacks.

Each case plants what an attacker can commit to a repository (a symbolic link
where blueprintc writes, a FIFO or device where it reads, a password in a URL)
and runs the real CLI: the link's target keeps every byte, nothing is written
or signed through a link, reads never hang, secrets never reach output, out/
or a child process's environment.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
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


REGISTRY_SECRET = "registry-secret-4f1e"  # test-only values whose leak the test looks for
KEY_SECRET = "cosign-secret-9b2c"
SECRETS_ENV = {
    "BLUEPRINTC_REGISTRY_USERNAME": "ci-user-7d3a",
    "BLUEPRINTC_REGISTRY_PASSWORD": REGISTRY_SECRET,
    "COSIGN_PASSWORD": KEY_SECRET,
}


def _spy_on_path(tmp_path: Path, *programs: str) -> tuple[dict[str, str], Path]:
    """Real programs named like ``programs`` earlier on PATH: each writes its whole
    environment to a file, then runs the real program."""
    bin_dir, dumps = tmp_path / "spy-bin", tmp_path / "spy-dumps"
    bin_dir.mkdir()
    dumps.mkdir()
    for name in programs:
        real = shutil.which(name)
        assert real is not None, f"{name} must be installed"
        spy = bin_dir / name
        spy.write_text(f'#!/bin/sh\nenv > "{dumps}/{name}.$$"\nexec {real} "$@"\n')
        spy.chmod(0o755)
    env = {**SECRETS_ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return env, dumps


def _assert_no_secret_in(dumps: Path, program: str) -> None:
    files = sorted(dumps.glob(f"{program}.*"))
    assert files, f"{program} never ran: the test proves nothing"
    for dump in files:
        text = dump.read_text()
        assert "PATH=" in text  # it is an environment dump
        for name, value in SECRETS_ENV.items():
            assert value not in text, f"{program} saw {name}"
            assert f"{name}=" not in text, f"{program} saw {name}"


def test_kubectl_children_never_see_credentials(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "org-defaults")
    env, dumps = _spy_on_path(tmp_path, "kubectl")
    run = run_cli("build", "blueprints/org-defaults", cwd=ws, env=env)
    assert run.code == 0, str(run)
    _assert_no_secret_in(dumps, "kubectl")
    assert REGISTRY_SECRET not in run.output and KEY_SECRET not in run.output


def test_git_children_never_see_credentials(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    git = shutil.which("git")
    assert git is not None
    quiet = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    quiet |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for args in (["init", "-q"], ["add", "--all"], ["commit", "-q", "-m", "catalog"]):
        subprocess.run([git, *args], cwd=ws, env={**os.environ, **quiet}, check=True)
    (ws / "blueprints" / "webapp" / "README.md").write_text("changed\n")
    env, dumps = _spy_on_path(tmp_path, "git")
    run = run_cli("changed", "--since", "HEAD", cwd=ws, env=env)
    assert run.code == 0, str(run)
    assert "bp-webapp" in run.output
    _assert_no_secret_in(dumps, "git")


def test_a_registry_url_with_credentials_is_an_error_never_emitted(workspace: Path) -> None:
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    assert "registry: oci://harbor." in text
    sovereign.write_text(
        text.replace("registry: oci://", f"registry: oci://robot:{REGISTRY_SECRET}@")
    )
    line = next(
        n for n, row in enumerate(sovereign.read_text().splitlines(), 1) if "registry:" in row
    )

    run = run_cli("compile", cwd=workspace)

    assert_refused(run, f"sovereign.yaml:{line}:", "BPP017", "spec.registry", code=1)
    assert REGISTRY_SECRET not in run.output and "robot" not in run.output
    out = workspace / "out"
    leaked = [p for p in out.rglob("*") if p.is_file() and REGISTRY_SECRET in p.read_text()]
    assert leaked == []
