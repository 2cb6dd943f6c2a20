"""Incremental compile: a no-change rebuild touches nothing, a one-Application change
rewrites only what really changed, `compile --check` and `diff` tell what is pending."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from blueprintc.compile.run import run_compile
from blueprintc.emit import EmitReport
from tests.cli.helpers import invoke

from .helpers import TextSnapshot, copy_workspace, tree_files, tree_stats

ACME = "organizations/acme.yaml"
SHOP_BRANCHES = ("develop", "main", "staging")
OCI_FRA_ACME = tuple(f"vclusters/oci-fra-rtz-{env}-acme" for env in ("dev", "prod", "stg"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the reference workspace, compiled once into its out/."""
    root = copy_workspace(tmp_path / "ws")
    compile_ok(root)
    return root


def compile_ok(root: Path) -> EmitReport:
    outcome = run_compile(root)
    assert outcome.diagnostics == []
    assert outcome.report is not None
    return outcome.report


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), "utf-8")


def test_no_change_recompile_writes_nothing(workspace: Path) -> None:
    out = workspace / "out"
    before = tree_stats(out, state=True)
    report = compile_ok(workspace)
    assert (report.written, report.removed) == ((), ())
    assert report.strategy == "noop"
    assert len(report.unchanged) > 100
    assert tree_stats(out, state=True) == before  # same inodes and mtimes, state dir too


# (edit of organizations/acme.yaml, files written, files removed)
CHANGES = {
    # `message` is Application config for every Environment of acme/shop: it lands in
    # each branch's HelmRelease values and nowhere else (the vcluster GitRepository and
    # Kustomization of shop name its repo, branch and path, not its values).
    "config": (
        ("message: Welcome to Acme", "message: Welcome to Acme Trading"),
        [f"repos/acme/shop/{branch}/base/helmrelease.yaml" for branch in SHOP_BRANCHES],
        [],
    ),
    # `environments.dev.config` holds for the dev Environment only: its branch is develop.
    "dev-config": (
        (
            "            webapp:\n              replicaCount: 1",
            "            webapp:\n              replicaCount: 2",
        ),
        ["repos/acme/shop/develop/base/helmrelease.yaml"],
        [],
    ),
    # From active-active over hz-nbg and oci-fra to single-region hz-nbg: in each branch
    # the oci-fra overlay goes and the hz-nbg overlay's placement patch changes (mode,
    # regions); acme's oci-fra vclusters stop syncing shop (applications/shop.yaml goes,
    # applications/kustomization.yaml no longer lists it, nor their Receiver) but keep
    # running wiki, so the Environment resources (which list vclusters) do not change.
    "placement": (
        (
            "        mode: active-active\n        regions: [hz-nbg, oci-fra]",
            "        mode: single-region\n        regions: [hz-nbg]",
        ),
        [f"repos/acme/shop/{b}/regions/hz-nbg/kustomization.yaml" for b in SHOP_BRANCHES]
        + [f"{vcluster}/applications/kustomization.yaml" for vcluster in OCI_FRA_ACME]
        + [f"{vcluster}/flux-system/receiver.yaml" for vcluster in OCI_FRA_ACME],
        [f"repos/acme/shop/{b}/regions/oci-fra/kustomization.yaml" for b in SHOP_BRANCHES]
        + [f"{vcluster}/applications/shop.yaml" for vcluster in OCI_FRA_ACME],
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_one_application_change_rewrites_only_its_files(workspace: Path, change: str) -> None:
    """Only files under repos/acme/shop/, or acme's vcluster files that really changed
    (see CHANGES for which and why), are written or removed; every other file keeps
    its inode and mtime. Nothing is rewritten with the bytes it already had."""
    (old, new), written, removed = CHANGES[change]
    out = workspace / "out"
    before_files = tree_files(out)
    before_stats = tree_stats(out)
    edit(workspace / ACME, old, new)
    report = compile_ok(workspace)
    assert sorted(report.written) == sorted(written)
    assert sorted(report.removed) == sorted(removed)
    for path in (*report.written, *report.removed):
        assert path.startswith(("repos/acme/shop/", *(f"{v}/" for v in OCI_FRA_ACME))), path
    after_files = tree_files(out)
    really_changed = {
        p
        for p in before_files.keys() | after_files.keys()
        if before_files.get(p) != after_files.get(p)
    }
    assert really_changed == set(written) | set(removed)
    after_stats = tree_stats(out)
    untouched = set(before_files) - really_changed
    assert {p: after_stats[p] for p in untouched} == {p: before_stats[p] for p in untouched}
    # and the result is what a compile from scratch writes
    scratch = run_compile(workspace, out=workspace / "scratch")
    assert scratch.diagnostics == []
    assert tree_files(workspace / "scratch") == after_files


def test_check_exit_codes_and_stale_files(workspace: Path) -> None:
    """--check: 0 when out/ is fresh; 1 listing exactly the stale, missing and extra files
    when it is not (an input change, a hand edit, a deleted file, a stray file); and it
    writes nothing."""
    out = workspace / "out"
    fresh = invoke("compile", workspace, "--check")
    assert fresh.exit_code == 0, fresh.output
    assert fresh.stdout == ""
    assert "up to date" in fresh.stderr

    edit(workspace / ACME, "message: Welcome to Acme", "message: Welcome to Acme Trading")
    (out / "system/catalyst-config/organizations/globex.yaml").write_text("edited: by hand\n")
    (out / "vclusters/hz-nbg-rtz-prod-acme/kustomization.yaml").unlink()
    (out / "repos/acme/stray.yaml").write_text("{}\n")
    before_files, before_stats = tree_files(out), tree_stats(out, state=True)

    stale = invoke("compile", workspace, "--check")
    assert stale.exit_code == 1, stale.output
    differ = [
        *(f"repos/acme/shop/{branch}/base/helmrelease.yaml" for branch in SHOP_BRANCHES),
        "system/catalyst-config/organizations/globex.yaml",
        "vclusters/hz-nbg-rtz-prod-acme/kustomization.yaml",
    ]
    # The stray file is not blueprintc's: a compile keeps it, so it is named, not listed.
    assert sorted(stale.stdout.splitlines()) == sorted(differ)
    assert "5 file(s) differ" in stale.stderr
    assert "kept 1 file(s) in out/ that blueprintc did not write: repos/acme/stray.yaml" in (
        stale.stderr
    )
    forced = invoke("compile", workspace, "--check", "--force-prune")
    assert forced.exit_code == 1, forced.output
    assert sorted(forced.stdout.splitlines()) == sorted([*differ, "repos/acme/stray.yaml"])
    assert "6 file(s) differ" in forced.stderr
    assert (tree_files(out), tree_stats(out, state=True)) == (before_files, before_stats)

    compile_ok(workspace)
    again = invoke("compile", workspace, "--check")
    assert again.exit_code == 0, again.output


def test_diff_shows_the_pending_change(workspace: Path, snapshot: SnapshotAssertion) -> None:
    """`blueprintc diff`: a unified diff (a/ is out/ now, b/ what compile would write;
    a file compile would remove goes to /dev/null), exit 1 when something is pending,
    empty and exit 0 when not; out/ untouched."""
    out = workspace / "out"
    clean = invoke("diff", workspace)
    assert (clean.exit_code, clean.stdout) == (0, "")

    edit(workspace / ACME, "message: Welcome to Acme", "message: Welcome to Acme Trading")
    (out / "repos/acme/stray.yaml").write_text("{}\n")
    before = tree_stats(out, state=True)
    pending = invoke("diff", workspace, "--force-prune")  # the stray goes to /dev/null
    assert pending.exit_code == 1, pending.output
    assert str(workspace) not in pending.stdout
    assert pending.stdout == snapshot.use_extension(TextSnapshot)
    kept = invoke("diff", workspace)  # without --force-prune a compile keeps the stray
    assert kept.exit_code == 1 and kept.stdout == pending.stdout.split("--- a/repos/acme/stray")[0]
    assert tree_stats(out, state=True) == before
