"""The delivery state's two readings: a branch's content digest (its bytes must never
change, or every recorded branch would look changed) and a branch tip read from its
ref file or packed-refs without opening the repository, checked against real git."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from blueprintc import __version__
from blueprintc.deliver.embedded import Identity, commit_branch, open_repo
from blueprintc.deliver.state import STATE_FILE, DeliveryState, content_digest, ref_tip

WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)


def test_the_content_digest_is_the_sha256_of_the_sorted_lines() -> None:
    entries = [("b/x.yaml", "2" * 64), ("a.yaml", "1" * 64), ("ü/é.yaml", "3" * 64)]
    reference = hashlib.sha256(f"blueprintc {__version__}\n".encode())
    for path, sha in sorted(entries):
        reference.update(f"{path}\0{sha}\n".encode())
    assert content_digest(entries) == reference.hexdigest()
    assert content_digest([]) == hashlib.sha256(f"blueprintc {__version__}\n".encode()).hexdigest()


def test_a_tip_is_read_from_the_ref_file_or_packed_refs_as_git_reads_it(tmp_path: Path) -> None:
    git_dir = tmp_path / "git"
    repository = git_dir / "o/a.git"
    tips = {
        branch: commit_branch(
            open_repo(repository), "o/a", branch, {"f.yaml": branch.encode()}, WHO, "d"
        ).commit
        for branch in ("develop", "main")
    }
    for branch, commit in tips.items():
        assert ref_tip(git_dir, "o/a", branch) == commit
    assert ref_tip(git_dir, "o/a", "staging") is None
    subprocess.run(["git", "--git-dir", str(repository), "pack-refs", "--all"], check=True)
    assert not (repository / "refs/heads/develop").exists()
    for branch, commit in tips.items():
        assert ref_tip(git_dir, "o/a", branch) == commit  # from packed-refs
    (repository / "refs/heads/main").write_bytes(b"\xff\xfe damaged\n")
    assert ref_tip(git_dir, "o/a", "main") == tips["main"]  # unreadable: packed-refs decides
    (repository / "refs/heads/main").write_text("ref: refs/heads/develop\n")
    assert ref_tip(git_dir, "o/a", "main") == tips["main"]  # symbolic: not followed
    (repository / "refs/heads/main").write_text(" " * 5000 + tips["develop"] + "\n")
    assert ref_tip(git_dir, "o/a", "main") == tips["develop"]  # read whole, never cut short
    assert ref_tip(git_dir, "o/missing", "main") is None


def test_a_fifo_in_place_of_a_ref_is_no_tip_and_never_blocks(tmp_path: Path) -> None:
    git_dir = tmp_path / "git"
    repository = git_dir / "o/a.git"
    commit_branch(open_repo(repository), "o/a", "main", {"f.yaml": b"x"}, WHO, "d")
    ref = repository / "refs/heads/main"
    ref.unlink()
    os.mkfifo(ref)  # no writer: a blocking open would wait for ever
    assert ref_tip(git_dir, "o/a", "main") is None
    os.mkfifo(repository / "packed-refs")
    assert ref_tip(git_dir, "o/a", "main") is None
    os.mkfifo(git_dir / STATE_FILE)
    assert DeliveryState.load(git_dir).branches == {}
