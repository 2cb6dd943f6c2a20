"""`compile --jobs N`: Organizations planned, checked and serialised in forked worker
processes give, whatever N, the tree, findings, kinds and seal of a one-process
compile, byte for byte (issue 11 point 2)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml

from benchmarks.compile.generate import generate, organization, write_organization
from blueprintc.compile import planner, workers
from blueprintc.compile.outcome import CompileOutcome
from blueprintc.compile.run import run_compile
from blueprintc.emit.seal import Seal
from tests.hostile.harness import run_cli

from .helpers import tree_files

ORGANIZATIONS = 9


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for a handful of Organizations, two to a task: runs of uneven length
    and more tasks than workers, as at N = 1000."""
    monkeypatch.setattr(planner, "PARALLEL_MIN_ORGANIZATIONS", 2)
    monkeypatch.setattr(workers, "RUN_LENGTH", 2)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers") / "ws"
    generate(root, ORGANIZATIONS)
    return root


def compiled(workspace: Path, out: Path, jobs: int) -> CompileOutcome:
    outcome = run_compile(workspace, out=out, jobs=jobs)
    assert outcome.report is not None or outcome.failing
    return outcome


def findings(outcome: CompileOutcome) -> list[str]:
    return [f"{d.rule} {d.location} {d.severity} {d.message} {d.hint}" for d in outcome.diagnostics]


def test_any_worker_count_compiles_the_tree_of_one_process(workspace: Path, tmp_path: Path) -> None:
    one = compiled(workspace, tmp_path / "one", jobs=1)
    assert one.failing == [] and one.result is not None and not one.result.checked
    expected = tree_files(tmp_path / "one")
    manifest = (tmp_path / "one/.blueprintc/manifest.json").read_bytes()
    for jobs in (2, 3, 5):
        out = tmp_path / f"jobs-{jobs}"
        many = compiled(workspace, out, jobs)
        assert many.result is not None and many.result.checked, "planned by workers"
        files = tree_files(out)
        assert files.keys() == expected.keys()
        assert [p for p in sorted(files) if files[p] != expected[p]] == []
        assert (out / ".blueprintc/manifest.json").read_bytes() == manifest
        assert many.kinds == one.kinds
        assert findings(many) == findings(one)
        assert many.result.renders >= one.result.renders > 0  # Helm ran in the workers


def test_findings_are_the_same_whatever_the_worker_count(tmp_path: Path) -> None:
    """Plan findings, input findings found while planning and schema findings of the
    planned objects come back from the workers in the order one process finds them."""
    root = tmp_path / "ws"
    generate(root, 6)
    folder = root / "organizations"
    unknown = organization(2)
    unknown["spec"]["applications"][0]["blueprint"] = "bp-no-such-thing"
    write_organization(folder, unknown)
    twice = organization(4)
    twice["spec"]["applications"].append(dict(twice["spec"]["applications"][0]))
    write_organization(folder, twice)
    bad = organization(5)
    bad["spec"]["applications"][1]["placement"] = {"mode": "nowhere"}
    write_organization(folder, bad)
    results = {jobs: compiled(root, tmp_path / f"out-{jobs}", jobs) for jobs in (1, 2, 3)}
    assert results[1].failing, "the edits are findings"
    rules = {d.rule for d in results[1].diagnostics}
    assert "BPP013" in rules, rules
    for jobs in (2, 3):
        assert findings(results[jobs]) == findings(results[1])
        assert not (tmp_path / f"out-{jobs}").exists(), "a failing compile writes nothing"


def test_a_tree_planned_by_workers_is_sealed_and_checks_clean(
    workspace: Path, tmp_path: Path
) -> None:
    """The files the workers read count as the compile's reads: the tree is sealed,
    and the next compile and `--check` find nothing to do."""
    out = tmp_path / "out"
    compiled(workspace, out, jobs=2)
    assert Seal.load(out) is not None
    again = run_compile(workspace, out=out, jobs=2)
    assert again.sealed
    checked = run_compile(workspace, out=out, check=True, trust_stat=False, jobs=2)
    assert checked.report is not None and not checked.report.changed


def test_a_changed_organization_after_a_parallel_compile_is_patched(tmp_path: Path) -> None:
    copy = tmp_path / "ws"
    generate(copy, ORGANIZATIONS)
    out = tmp_path / "out"
    compiled(copy, out, jobs=2)
    path = copy / "organizations/org-0003.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["spec"]["displayName"] = "Renamed"
    write_organization(copy / "organizations", spec)
    patched = run_compile(copy, out=out, jobs=2)
    assert patched.patched is not None and "org-0003" in patched.patched
    compiled(copy, tmp_path / "fresh", jobs=1)
    assert tree_files(out) == tree_files(tmp_path / "fresh")


def test_workers_leave_no_temporary_directory_behind(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked worker's Helm workers are its own: it stops them on its way out, and
    their temporary directories go with them (ended by its pool's SIGTERM, each left
    one behind)."""
    from blueprintc.helm_pool import POOL

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    outcome = compiled(workspace, tmp_path / "out", jobs=2)
    assert outcome.result is not None and outcome.result.checked, "planned by workers"
    held = {w.process.tmp.path for w in POOL.workers if w.process is not None}
    assert {str(p) for p in temporary.iterdir()} <= held


def test_the_cli_takes_jobs(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_cli("compile", workspace, "-o", out, "--jobs", "2", cwd=tmp_path)
    assert done.code == 0, done.output
    bad = run_cli("compile", workspace, "--jobs", "0", cwd=tmp_path)
    assert bad.code == 2 and "--jobs" in bad.output


def test_the_default_job_count_needs_no_cpu_affinity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the OS has no `sched_getaffinity` (macOS), the default is the CPU count."""
    from blueprintc.cores import usable_cores

    affine = usable_cores()
    assert 1 <= affine <= 8
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 12)
    assert usable_cores() == 8
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert usable_cores() == 1


def test_a_forked_process_starts_its_own_helm_worker(tmp_path: Path) -> None:
    """The parent's Helm worker is the parent's: a fork that renders uses a new one,
    and the parent's still answers afterwards."""
    from blueprintc import helm
    from blueprintc.helm_pool import POOL

    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n"
    )
    loaded = helm.load_chart(chart)
    assert helm.render(loaded, {"name": "parent"}, "r", "ns").ok
    parent_workers = [w.process.popen.pid for w in POOL.workers if w.process is not None]
    pid = os.fork()
    if pid == 0:  # the child: render, and say by the exit status whether it went well
        status = 1
        try:
            render = helm.render(loaded, {"name": "child"}, "r", "ns")
            mine = [w.process.popen.pid for w in POOL.workers if w.process is not None]
            if (
                render.ok
                and "child" in "".join(render.manifests.values())
                and not set(mine) & set(parent_workers)
            ):
                status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    again = helm.render(loaded, {"name": "again"}, "r", "ns")
    assert again.ok and "again" in "".join(again.manifests.values())
