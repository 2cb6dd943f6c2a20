"""``deliver --remote`` against the real git server of tests/gitserver.py (git
http-backend on 127.0.0.1 with basic auth and a protection hook), read back with
real ``git clone`` and ``git verify-commit``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from blueprintc.deliver.embedded import Identity
from blueprintc.deliver.remote import deliver_remote
from blueprintc.deliver.signing import PASSPHRASE_ENV, load_signer
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace
from tests.deliver.helpers import (
    CREDS,
    clone_equals_compiled,
    heads,
    repos_of,
    serve_all,
    server_state,
)
from tests.gitserver import GitServer, create_repo, protect, start_process, stop_process
from tests.hostile.harness import run_cli

WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)


def test_first_push_then_unchanged_rerun_pushes_nothing(
    ws: Path, git_server: tuple[str, Path], tmp_path: Path, creds: None
) -> None:
    base, root = git_server
    out = ws / "out"
    serve_all(root, out)
    first = deliver_remote(out, base, WHO, jobs=3)
    assert not first.failed, [b.detail for b in first.branches if b.detail]
    assert first.count("delivered") == len(first.branches) > 10
    assert clone_equals_compiled(base, out, tmp_path) == len(first.branches)
    before = server_state(root)
    files_before = sorted(p for p in root.rglob("*") if p.is_file())
    again = deliver_remote(out, base, WHO, jobs=3)
    assert again.count("unchanged") == len(again.branches)
    assert server_state(root) == before
    assert sorted(p for p in root.rglob("*") if p.is_file()) == files_before  # nothing sent
    # a fresh out/ (no embedded repos, as on a CI runner) continues the server's history
    shutil.rmtree(out / "git")
    fresh = deliver_remote(out, base, WHO, jobs=3)
    assert fresh.count("unchanged") == len(fresh.branches)
    assert server_state(root) == before


def test_one_file_change_is_one_commit_on_one_branch(
    ws: Path, git_server: tuple[str, Path], creds: None
) -> None:
    base, root = git_server
    out = ws / "out"
    serve_all(root, out)
    assert not deliver_remote(out, base, WHO).failed
    before = server_state(root)
    org = ws / "organizations/acme.yaml"
    text = org.read_text()
    assert "            webapp:\n              replicaCount: 1\n" in text
    org.write_text(
        text.replace("              replicaCount: 1\n", "              replicaCount: 2\n", 1)
    )
    assert not run_compile(ws, out=out).diagnostics
    result = deliver_remote(out, base, WHO)
    moved = [(b.repo, b.branch) for b in result.branches if b.status == "delivered"]
    assert moved == [("acme/shop", "develop")]
    after = server_state(root)
    changed = {
        (repo, ref)
        for repo in after
        for ref in after[repo]
        if before[repo].get(ref) != after[repo][ref]
    }
    assert changed == {("acme/shop", "develop")}
    log = subprocess.run(
        ["git", "--git-dir", str(root / "acme/shop.git"), "rev-list", "develop"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert log[1] == before["acme/shop"]["develop"]  # one commit on top of the old tip


def test_signed_commits_verify_on_the_server(
    ws: Path,
    git_server: tuple[str, Path],
    creds: None,
    openpgp_keys: dict[str, Path],
    gnupg_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, root = git_server
    out = ws / "out"
    serve_all(root, out)
    monkeypatch.setenv(PASSPHRASE_ENV, "test-only-passphrase")
    result = deliver_remote(out, base, WHO, load_signer(openpgp_keys["deliver"]), jobs=2)
    assert not result.failed
    env = {**os.environ, "GNUPGHOME": str(gnupg_home)}
    for b in result.branches:
        done = subprocess.run(
            ["git", "--git-dir", str(root / f"{b.repo}.git"), "verify-commit", b.branch],
            env=env,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, (b, done.stderr)


def test_failures_stay_with_their_repo_and_a_rerun_finishes(
    ws: Path, git_server: tuple[str, Path], tmp_path: Path, creds: None
) -> None:
    base, root = git_server
    out = ws / "out"
    serve_all(root, out, skip=("globex/docs",))
    protect(root / "acme/wiki.git", "main", "someone-else")
    # unrelated history on initech/portal's staging branch
    work = tmp_path / "work"
    url = base.replace("http://", "http://deliver:test-only@") + "/initech/portal.git"
    git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run(["git", "init", "-q", "-b", "staging", str(work)], check=True)
    (work / "README").write_text("by hand\n")
    subprocess.run([*git, "add", "README"], check=True)
    subprocess.run([*git, "commit", "-qm", "by hand"], check=True)
    subprocess.run([*git, "push", "-q", url, "staging"], check=True, capture_output=True)
    hand = heads(root / "initech/portal.git")["staging"]

    result = deliver_remote(out, base, WHO, jobs=4)
    failed = {(b.repo, b.branch): b.detail for b in result.branches if b.status == "failed"}
    assert ("initech/portal", "staging") in failed
    assert "history blueprintc did not write" in failed[("initech/portal", "staging")]
    assert "never forced" in failed[("initech/portal", "staging")]
    assert heads(root / "initech/portal.git")["staging"] == hand  # not overwritten
    assert all("does not exist" in d for (r, _), d in failed.items() if r == "globex/docs")
    wiki = [d for (r, _), d in failed.items() if r == "acme/wiki"]
    assert wiki and all("protected" in d for d in wiki)  # the whole push is refused
    assert heads(root / "acme/wiki.git") == {}
    delivered = {b.repo for b in result.branches if b.status == "delivered"}
    assert {"acme/shop", "globex/mailer", "system/fleet"} <= delivered
    assert "test-only" not in " ".join(failed.values())

    # the cause removed, a rerun finishes the job and leaves the refusal alone
    create_repo(root, "globex/docs")
    (root / "acme/wiki.git/protected-branches").unlink()
    rerun = deliver_remote(out, base, WHO, jobs=4)
    still = [(b.repo, b.branch) for b in rerun.branches if b.status == "failed"]
    assert still == [("initech/portal", "staging")]
    assert {b.repo for b in rerun.branches if b.status == "delivered"} == {
        "acme/wiki",
        "globex/docs",
    }


def test_server_killed_mid_run_then_a_rerun_completes(ws: Path, tmp_path: Path) -> None:
    out = ws / "out"
    root = tmp_path / "server"
    root.mkdir()
    serve_all(root, out)
    users = {"deliver": "test-only"}
    process, base = start_process(root, users)
    try:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "blueprintc",
                "deliver",
                "--out",
                str(out),
                "--remote",
                base,
                "--jobs",
                "1",
            ],
            env={**os.environ, **CREDS, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not any(server_state(root).values()) and time.monotonic() < deadline:
            time.sleep(0.005)
        stop_process(process)  # SIGKILL
        stdout, stderr = run.communicate(timeout=120)
    finally:
        stop_process(process)
    assert run.returncode == 1, stdout + stderr  # killed mid-run: something failed
    assert "Traceback" not in stderr
    local = {name: heads(out / "git" / f"{name}.git") for name in repos_of(out)}
    for name, tips in server_state(root).items():
        for branch, tip in tips.items():
            assert tip == local[name][branch], (name, branch)  # the new tip, or none at all

    process, base = start_process(root, users)
    try:
        rerun = run_cli("deliver", "--out", out, "--remote", base, cwd=tmp_path, env=CREDS)
    finally:
        stop_process(process)
    assert rerun.code == 0, str(rerun)
    assert "0 failed" in rerun.stdout
    for name, tips in server_state(root).items():
        final = {b: t for b, t in heads(out / "git" / f"{name}.git").items() if "/" not in b}
        assert tips == final, name
        for branch, tip in local[name].items():  # what reached the server first stays
            assert "/" in branch or final[branch] == tip


def test_to_sovereign_pushes_to_the_spec_git_base_url(
    tmp_path: Path, git_server: tuple[str, Path]
) -> None:
    base, root = git_server
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    assert "baseUrl: https://gitea.hfmp.t38.omani.works\n" in text
    sovereign.write_text(text.replace("https://gitea.hfmp.t38.omani.works", base))
    assert not run_compile(workspace, out=workspace / "out").diagnostics
    serve_all(root, workspace / "out")
    run = run_cli("deliver", "--to-sovereign", "--jobs", "2", cwd=workspace, env=CREDS)
    assert run.code == 0, str(run)
    assert (
        server_state(root)["system/fleet"]["main"]
        == heads(workspace / "out/git/system/fleet.git")["main"]
    )
    both = run_cli("deliver", "--to-sovereign", "--remote", base, cwd=workspace, env=CREDS)
    assert both.code == 2 and "not both" in both.stderr


def test_deliver_from_a_workspace_subdirectory_delivers_the_workspace_out(
    ws: Path, git_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, creds: None
) -> None:
    """As compile and promote do, deliver finds the workspace around the current
    directory and its out/ (blueprintc.yaml's `out:`); an explicit -o is relative to
    the current directory."""
    base, root = git_server
    config = ws / "blueprintc.yaml"
    assert "\nout: out\n" in config.read_text()
    config.write_text(config.read_text().replace("\nout: out\n", "\nout: compiled\n"))
    (ws / "out").rename(ws / "compiled")
    sovereign = ws / "sovereign.yaml"
    sovereign.write_text(sovereign.read_text().replace("https://gitea.hfmp.t38.omani.works", base))
    monkeypatch.chdir(ws / "organizations")
    local = invoke("deliver")
    assert local.exit_code == 0, local.output
    assert heads(ws / "compiled/git/system/fleet.git")["main"]
    assert not (ws / "organizations/out").exists()
    explicit = invoke("deliver", "-o", "compiled")
    assert explicit.exit_code == 2
    assert explicit.output == "error: compiled does not exist: run `blueprintc compile` first\n"
    serve_all(root, ws / "compiled")
    pushed = invoke("deliver", "--to-sovereign", "--jobs", "2")
    assert pushed.exit_code == 0, pushed.output
    assert (
        server_state(root)["system/fleet"]["main"]
        == heads(ws / "compiled/git/system/fleet.git")["main"]
    )


def _slow(handler: BaseHTTPRequestHandler) -> bool:
    """A slow server (0.2 s before each git request is served): requests that run
    at once overlap for sure, even on a loaded machine."""
    time.sleep(0.2)
    return False


def test_jobs_bounds_the_pushes_at_once(ws: Path, tmp_path: Path, creds: None) -> None:
    out = ws / "out"
    peaks = {}
    for jobs in (1, 3):
        root = tmp_path / f"server{jobs}"
        root.mkdir()
        serve_all(root, out)
        shutil.rmtree(out / "git", ignore_errors=True)
        server = GitServer()
        base = server.start(root, {"deliver": "test-only"}, other=_slow)
        try:
            assert not deliver_remote(out, base, WHO, jobs=jobs).failed
        finally:
            server.stop()
        peaks[jobs] = server.load.peak
    assert peaks[1] == 1
    assert 2 <= peaks[3] <= 3


def test_a_server_error_mid_push_fails_that_repo_only(
    ws: Path, tmp_path: Path, creds: None
) -> None:
    out = ws / "out"
    root = tmp_path / "server"
    root.mkdir()
    serve_all(root, out)

    def broken(handler: BaseHTTPRequestHandler) -> bool:
        if "/acme/wiki.git/git-receive-pack" not in handler.path:
            return False
        handler.read_body()  # type: ignore[attr-defined]
        handler.send_response(500)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return True

    server = GitServer()
    base = server.start(root, {"deliver": "test-only"}, other=broken)
    try:
        result = deliver_remote(out, base, WHO, jobs=2)
    finally:
        server.stop()
    failed = {(b.repo, b.branch): b.detail for b in result.branches if b.status == "failed"}
    assert {repo for repo, _ in failed} == {"acme/wiki"}
    assert all("deliver again" in d and "500" in d for d in failed.values()), failed
    assert server_state(root)["acme/wiki"] == {}  # its old tips: none
    assert result.count("delivered") == len(result.branches) - len(failed)

    server = GitServer()
    base = server.start(root, {"deliver": "test-only"})
    try:
        rerun = deliver_remote(out, base, WHO, jobs=2)
    finally:
        server.stop()
    assert not rerun.failed
    assert {b.repo for b in rerun.branches if b.status == "delivered"} == {"acme/wiki"}


def test_a_silent_server_times_out_that_repo_only(ws: Path, tmp_path: Path, creds: None) -> None:
    out = ws / "out"
    root = tmp_path / "server"
    root.mkdir()
    serve_all(root, out)
    release = threading.Event()

    def hanging(handler: BaseHTTPRequestHandler) -> bool:
        if "/acme/wiki.git/git-receive-pack" in handler.path:
            release.wait(20)  # silent until the test is done with it
        return False

    server = GitServer()
    base = server.start(root, {"deliver": "test-only"}, other=hanging)
    try:
        start = time.monotonic()
        result = deliver_remote(out, base, WHO, jobs=2, timeout=1.0)
        took = time.monotonic() - start
    finally:
        release.set()
        server.stop()
    failed = {b.repo for b in result.branches if b.status == "failed"}
    assert failed == {"acme/wiki"}
    assert took < 15  # the 1 s timeout, not the server's 20 s
    assert result.count("delivered") == len(result.branches) - 3


def test_credentials_from_git_s_credential_helper(
    ws: Path, git_server: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = git_server
    out = ws / "out"
    serve_all(root, out)
    home = tmp_path / "home"
    home.mkdir()
    store = home / "credentials"
    store.write_text(base.replace("http://", "http://deliver:test-only@") + "\n")
    (home / ".gitconfig").write_text(f"[credential]\n\thelper = store --file={store}\n")
    run = run_cli("deliver", "--out", out, "--remote", base, cwd=tmp_path, env={"HOME": str(home)})
    assert run.code == 0, str(run)
    assert "test-only" not in run.output
    assert server_state(root)["system/fleet"]["main"]
