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
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.build.conftest import make_workspace
from tests.compile.helpers import copy_workspace
from tests.hostile.harness import REPO, CliRun, assert_refused, run_cli, snapshot

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


@pytest.mark.parametrize(
    "planted", ["out/build", "out/oci", "out/oci/bp-webapp/blobs/sha256", "out"]
)
def test_publish_never_writes_through_a_planted_directory_link(
    tmp_path: Path, planted: str
) -> None:
    ws = _publish_workspace(tmp_path)
    victim = _victim(tmp_path)
    (ws / planted).parent.mkdir(parents=True, exist_ok=True)
    if planted.startswith("out/oci/"):  # blueprintc's layout (an unmarked one is refused whole)
        (ws / "out" / "oci" / ".blueprintc").mkdir()
    (ws / planted).symlink_to(victim)
    before = snapshot(victim)

    run = run_cli("publish", "blueprints/webapp", cwd=ws)

    assert_refused(run, f"{planted} is a symbolic link")
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


# -- publish --environments packs exactly what compile wrote ---------------------------


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference workspace compiled into out/, with a test key pair beside it."""
    ws = copy_workspace(tmp_path_factory.mktemp("compiled") / "ws")
    assert run_cli("compile", cwd=ws).code == 0
    keys = run_cli("keygen", "-d", "keys", cwd=ws, env={"COSIGN_PASSWORD": PASSWORD})
    assert keys.code == 0, str(keys)
    return ws


def _copy(compiled: Path, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(compiled, ws, symlinks=True)
    return ws


def _publish_envs(ws: Path, *extra: str, out: tuple[str, ...] = ("--out", "out")) -> CliRun:
    args = ("publish", "--environments", *out, "--layout", "published", "--key", "keys/cosign.key")
    return run_cli(*args, *extra, cwd=ws, env={"COSIGN_PASSWORD": PASSWORD})


def test_publish_environments_without_out_uses_the_workspace_out(
    compiled: Path, tmp_path: Path
) -> None:
    ws = _copy(compiled, tmp_path)
    run = _publish_envs(ws, out=())
    assert run.code == 0, str(run)
    assert "acme-dev environments/acme-dev@sha256:" in run.output and "signed" in run.output


def test_publish_environments_refuses_a_link_planted_in_an_org_repo(
    compiled: Path, tmp_path: Path
) -> None:
    ws = _copy(compiled, tmp_path)
    victim = _victim(tmp_path)
    shop = ws / "out" / "repos" / "acme" / "shop" / "develop" / "base"
    (shop / "stolen.yaml").symlink_to(victim / "precious.txt")

    run = _publish_envs(ws)

    assert_refused(run, "stolen.yaml is a symbolic link", "never packed, signed or delivered")
    assert not (ws / "published").exists()


def test_publish_environments_refuses_an_org_dir_that_is_a_link(
    compiled: Path, tmp_path: Path
) -> None:
    ws = _copy(compiled, tmp_path)
    outside = tmp_path / "outside-acme"
    shutil.move(ws / "out" / "repos" / "acme", outside)
    (outside / "shop" / "develop" / "secret.yaml").write_text("kind: Secret\n")
    (ws / "out" / "repos" / "acme").symlink_to(outside)

    run = _publish_envs(ws)

    assert_refused(run, "repos/acme is a symbolic link")
    assert not (ws / "published").exists()


def test_publish_environments_refuses_a_file_compile_did_not_write(
    compiled: Path, tmp_path: Path
) -> None:
    ws = _copy(compiled, tmp_path)
    release = next((ws / "out" / "repos" / "acme" / "shop" / "develop").rglob("*.yaml"))
    release.write_text(release.read_text() + "# tampered\n")

    run = _publish_envs(ws)

    assert_refused(run, f"{release.name} is not what compile wrote", "blueprintc compile")
    assert not (ws / "published").exists()


_KILL_AFTER_ONE_RENAME = """
import os, signal, sys
import blueprintc.emit.journal as journal
apply = journal._apply
def killed_after_one_rename(out, entries):
    real, done = os.replace, []
    def replace(*args, **kwargs):
        if done:
            os.kill(os.getpid(), signal.SIGKILL)
        done.append(args)
        return real(*args, **kwargs)
    os.replace = replace
    apply(out, entries)
journal._apply = killed_after_one_rename
from blueprintc.cli import cli
cli(["compile"])
"""


def test_publish_environments_finishes_an_interrupted_compile_first(
    compiled: Path, tmp_path: Path
) -> None:
    ws = _copy(compiled, tmp_path)
    org = ws / "organizations" / "acme.yaml"
    org.write_text(org.read_text().replace("Welcome to Acme", "Welcome to Acme, again"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLUEPRINTC_")}
    killed = subprocess.run(
        [sys.executable, "-c", _KILL_AFTER_ONE_RENAME],
        cwd=ws,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    journal = ws / "out" / ".blueprintc" / "journal.json"
    assert journal.exists()  # out/ holds one new file among old ones

    first = _publish_envs(ws)
    assert first.code == 0, str(first)
    assert not journal.exists()
    assert run_cli("compile", "--check", cwd=ws).code == 0  # the tree is the new one, whole
    again = _publish_envs(ws, "--layout", "again")
    assert again.code == 0, str(again)
    assert _tags(first.stdout) == _tags(again.stdout)  # what was packed is the finished tree


def _tags(output: str) -> list[str]:
    return [line.split(" tags ")[1].split(" (")[0] for line in output.splitlines()]


def test_publish_environments_refuses_a_source_url_with_credentials(
    compiled: Path, tmp_path: Path
) -> None:
    ws = _copy(compiled, tmp_path)
    run = _publish_envs(ws, "--source", f"https://ci:{REGISTRY_SECRET}@git.example.invalid")
    assert_refused(run, "the source URL carries a user name and password (not shown)")
    assert REGISTRY_SECRET not in run.output
    assert not (ws / "published").exists()
