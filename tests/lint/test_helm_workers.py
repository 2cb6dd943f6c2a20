"""The Helm worker pool (`blueprintc.helm_pool`) with the real SDK: deadlines, memory
caps and output caps end a call as `HelmAborted`; a dead worker is replaced and its
charts loaded again; blueprintc's own process never loads the SDK."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from blueprintc import helm
from blueprintc.helm_pool import CHART_IDS, DEFAULT_BUDGET, LEAST_MEMORY_MIB, POOL, Budget, Pool
from blueprintc.helm_process import WorkerProcess, out_of_memory
from tests.processes import data_mib, environ_of

REPO = Path(__file__).resolve().parents[2]
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  when: {{ .Values.when | quote }}
"""


def _chart(root: Path, template: str = CONFIGMAP) -> Path:
    chart = root / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("when: never\n")
    (chart / "templates" / "t.yaml").write_text(template)
    return chart


def test_blueprintcs_own_process_never_loads_the_sdk() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import blueprintc.cli
        from blueprintc.lint import lint
        result = lint([Path({str(REPO / "blueprints")!r})], root=Path({str(REPO)!r}))
        assert result.blueprints and not result.active, result.active
        print("helm_python" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_a_killed_worker_is_replaced_and_the_chart_loaded_again(tmp_path: Path) -> None:
    chart = helm.load_chart(_chart(tmp_path))
    first = helm.render(chart, None, "demo", "demo")
    for worker in POOL.workers:
        if worker.process is not None:
            os.kill(worker.process.popen.pid, signal.SIGKILL)
            worker.process.popen.wait()
    again = helm.render(chart, None, "demo", "demo")
    assert first.ok and again.manifests == first.manifests


def test_a_loop_is_stopped_at_the_deadline_and_the_chart_remembers(tmp_path: Path) -> None:
    loop = "{{- range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n"
    chart = helm.load_chart(_chart(tmp_path, loop), Budget(seconds=0.5))
    start = time.monotonic()
    with pytest.raises(helm.HelmAborted) as aborted:
        helm.render(chart, None, "demo", "demo")
    assert aborted.value.reason == "time"
    assert "0.5 s time budget" in aborted.value.message
    assert time.monotonic() - start < 10
    start = time.monotonic()
    with pytest.raises(helm.HelmAborted):
        helm.render(chart, {"other": "values"}, "demo", "demo")
    assert time.monotonic() - start < 0.1  # no second budget spent on the same chart


def test_a_worker_that_hangs_after_its_memory_ran_out_is_a_memory_overrun(
    tmp_path: Path,
) -> None:
    """Go's fatal error can hang when a second thread faults meanwhile: the call then
    runs to its deadline, and what the worker said by then tells why."""
    loop = "{{- range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n"
    chart = helm.load_chart(_chart(tmp_path, loop), Budget(seconds=1.0))

    def say_out_of_memory() -> None:
        time.sleep(0.3)
        for worker in POOL.workers:
            if worker.process is not None:  # each one's own stderr file
                os.write(worker.process.stderr.fileno(), b"fatal error: runtime: out of memory\n")

    saying = threading.Thread(target=say_out_of_memory)
    try:
        saying.start()
        with pytest.raises(helm.HelmAborted) as aborted:
            helm.render(chart, None, "demo", "demo")
        assert aborted.value.reason == "memory", aborted.value.message
    finally:
        saying.join()
        POOL.close()  # the others' stderr says so too: none of them is used again


def test_memory_past_the_cap_aborts_the_worker_not_blueprintc(tmp_path: Path) -> None:
    chart = helm.load_chart(
        _chart(tmp_path, 'big: {{ repeat 500000000 "x" }}\n'), Budget(memory_bytes=300 << 20)
    )
    with pytest.raises(helm.HelmAborted) as aborted:
        helm.render(chart, None, "demo", "demo")
    assert aborted.value.reason == "memory", aborted.value.message  # names what Helm said
    assert "300 MiB memory budget" in aborted.value.message


# Keeps a 100 MB string live while it makes 600 MB of garbage 1 MB at a time, with a
# one-line output. Measured as the worker's data segment after the render, 25 runs beside
# two busy loops: 339-379 MiB at Go's defaults (GOGC=100), 319-343 MiB as the workers run
# Go under a 500 MiB budget, 623-636 MiB at GOGC=400 alone. (A string grown by `printf`
# had been used: its copies made the peak vary by 180 MiB run to run under load.)
CHURNING = (
    '{{- $keep := repeat 100000000 "k" }}{{- range until 600 }}{{- $_ := repeat 1000000 "x" }}'
    "{{- end }}\nsize: {{ len $keep }}\n"
)


def _worker() -> WorkerProcess:
    (worker,) = [w for w in POOL.workers if w.process is not None]
    assert worker.process is not None
    return worker.process


@pytest.fixture
def workers_own_go_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No GOGC or GOMEMLIMIT of the caller's, which a worker would take instead."""
    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.delenv("GOMEMLIMIT", raising=False)


@pytest.mark.usefixtures("workers_own_go_settings")
def test_a_worker_is_started_for_its_memory_budget(tmp_path: Path) -> None:
    """Go's collector runs at GOGC=400 with GOMEMLIMIT 2/5 of the call's memory budget;
    a call with another budget gets a worker started for it."""
    POOL.close()
    try:
        chart = helm.load_chart(_chart(tmp_path), Budget(memory_bytes=700 << 20))
        assert helm.render(chart, None, "demo", "demo").ok
        environ = environ_of(_worker().popen.pid)
        assert (environ["GOGC"], environ["GOMEMLIMIT"]) == ("400", str(280 << 20))
        chart = helm.load_chart(_chart(tmp_path / "other"), Budget(memory_bytes=600 << 20))
        assert helm.render(chart, None, "demo", "demo").ok
        assert environ_of(_worker().popen.pid)["GOMEMLIMIT"] == str(240 << 20)
    finally:
        POOL.close()


@pytest.mark.usefixtures("workers_own_go_settings")
def test_the_go_memory_limit_leaves_room_for_what_a_worker_holds_in_the_smallest_budget(
    tmp_path: Path,
) -> None:
    """What a worker holds before any chart (about 130 MiB: Python, the SDK, Go's runtime)
    plus Go's memory limit fits the smallest budget a workspace may set. At half the
    budget it did not (129 + 128 > 256), so a chart that fits at Go's defaults could run
    out near the limit."""
    budget = Budget(memory_bytes=LEAST_MEMORY_MIB << 20)
    POOL.close()
    try:
        assert helm.render(helm.load_chart(_chart(tmp_path), budget), None, "d", "d").ok
        worker = _worker()
        limit_mib = int(environ_of(worker.popen.pid)["GOMEMLIMIT"]) >> 20
        assert data_mib(worker.popen.pid) + limit_mib < LEAST_MEMORY_MIB
    finally:
        POOL.close()


def test_the_users_own_go_settings_reach_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOGC", "150")
    monkeypatch.setenv("GOMEMLIMIT", "off")
    POOL.close()
    try:
        assert helm.render(helm.load_chart(_chart(tmp_path)), None, "demo", "demo").ok
        environ = environ_of(_worker().popen.pid)
        assert (environ["GOGC"], environ["GOMEMLIMIT"]) == ("150", "off")
    finally:
        POOL.close()


@pytest.mark.usefixtures("workers_own_go_settings")
def test_the_collectors_setting_keeps_a_heap_go_defaults_fit_in_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chart that fits a 500 MiB budget at Go's defaults fits it as the workers run Go.
    The control: at GOGC=400 without the memory limit it runs out. (`CHURNING`: about
    120 MiB from the budget on each side.)"""
    budget = Budget(seconds=60, memory_bytes=500 << 20)
    POOL.close()
    try:
        for name, settings in (("workers", {}), ("defaults", {"GOGC": "100", "GOMEMLIMIT": "off"})):
            for variable, value in settings.items():
                monkeypatch.setenv(variable, value)
            POOL.close()
            chart = helm.load_chart(_chart(tmp_path / name, CHURNING), budget)
            assert helm.render(chart, None, "d", "d").ok, name
        monkeypatch.setenv("GOGC", "400")
        monkeypatch.setenv("GOMEMLIMIT", "off")
        POOL.close()
        chart = helm.load_chart(_chart(tmp_path / "control", CHURNING), budget)
        with pytest.raises(helm.HelmAborted) as aborted:
            helm.render(chart, None, "d", "d")
        assert aborted.value.reason == "memory", aborted.value.message
    finally:
        POOL.close()


def test_output_past_the_cap_is_refused(tmp_path: Path) -> None:
    chart = helm.load_chart(
        _chart(tmp_path, 'big: {{ repeat 2000000 "x" }}\n'), Budget(output_bytes=1 << 20)
    )
    with pytest.raises(helm.HelmAborted) as aborted:
        helm.render(chart, None, "demo", "demo")
    assert aborted.value.reason == "output"


def test_dates_and_binary_values_reach_helm_as_helm_reads_them(tmp_path: Path) -> None:
    chart = helm.load_chart(_chart(tmp_path))
    for value, text in ((datetime.date(2001, 2, 3), "2001-02-03"), (b"hello", "hello")):
        render = helm.render(chart, {"when": value}, "demo", "demo")
        assert render.ok and f'when: "{text}"' in render.manifests["demo/templates/t.yaml"]


def test_a_chart_helm_cannot_load_is_a_load_error(tmp_path: Path) -> None:
    chart_dir = _chart(tmp_path)
    (chart_dir / "values.yaml").write_text("a: .nan\n")
    with pytest.raises(helm.ChartLoadError, match="NaN"):
        helm.load_chart(chart_dir)


def test_a_blueprintc_package_in_the_current_directory_is_not_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers start with `python -P`: a workspace's `blueprintc/helm_worker.py` in the
    directory blueprintc runs from is never imported in place of the real one."""
    marker = tmp_path / "planted-ran"
    planted = tmp_path / "cwd" / "blueprintc"
    planted.mkdir(parents=True)
    (planted / "__init__.py").write_text("")
    (planted / "helm_worker.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(planted.parent)
    pool = Pool(size=1)
    try:
        with pool.lease() as worker:
            worker.call({"op": "dependency_list", "path": str(_chart(tmp_path))}, Budget())
    finally:
        pool.close()
    assert not marker.exists()


def test_a_worker_started_by_a_thread_outlives_that_thread(tmp_path: Path) -> None:
    """A worker dies with the thread that started it (PR_SET_PDEATHSIG is per thread):
    one started by a lint pool thread must still serve the process after that thread
    ended, not die under the next call and read as a memory overrun (BPI011)."""
    pool = Pool(size=1)
    chart_dir = _chart(tmp_path)

    def load() -> None:  # as a lint pool thread does: start a worker and use it
        with pool.lease() as worker:
            request = {"op": "load", "path": str(chart_dir), "chart": next(CHART_IDS)}
            worker.call(request, DEFAULT_BUDGET)

    started = threading.Thread(target=load)
    started.start()
    started.join()
    worker = pool.workers[0]
    assert worker.process is not None
    time.sleep(0.5)  # the kernel's signal, if any, has landed by now
    try:
        assert worker.process.popen.poll() is None, "the worker died with its starting thread"
        request = {"op": "load", "path": str(chart_dir), "chart": next(CHART_IDS)}
        answer, _ = worker.call(request, DEFAULT_BUDGET)
        assert answer["ok"]
    finally:
        pool.close()


def test_a_worker_has_a_temporary_directory_of_its_own_removed_with_it(tmp_path: Path) -> None:
    """What a worker killed mid-call leaves in its TMPDIR (a lint job's stand-in chart)
    goes with it: when it is found dead and replaced, and when the pool closes."""
    pool = Pool(size=1)
    chart_dir = _chart(tmp_path)
    request = {"op": "load", "path": str(chart_dir), "chart": next(CHART_IDS)}
    try:
        with pool.lease() as worker:
            worker.call(request, DEFAULT_BUDGET)
            first = worker.process
            assert first is not None
            assert environ_of(first.popen.pid)["TMPDIR"] == first.tmp.path
            (Path(first.tmp.path) / "blueprintc-standin-x").mkdir()
            os.kill(first.popen.pid, signal.SIGKILL)
            first.popen.wait()
            worker.call({**request, "chart": next(CHART_IDS)}, DEFAULT_BUDGET)
            second = worker.process
            assert second is not None and second is not first
        assert not Path(first.tmp.path).exists()
        assert Path(second.tmp.path).is_dir()
    finally:
        pool.close()
    assert not Path(second.tmp.path).exists()


# A nil dereference as Go reports it; a mapping the collector needs failed under the cap
# when its first frame is the collector's (`helm_process.collector_fault`).
GC_FAULT = """\
SIGSEGV: segmentation violation
PC=0x7f641c3ad53d m=4 sigcode=1 addr=0x0

goroutine 0 gp=0x2f790d92d860 m=4 mp=0x2f790d995808 [idle]:
{frame}
\t/opt/go/src/runtime/mgcmark_greenteagc.go:520 +0x5d fp=0x7f6418bfcbc0 sp=0x7f6418bfcba0
runtime.(*spanQueue).drain(0x2f790d989278, 0x10)
"""


@pytest.mark.parametrize(
    ("stderr", "memory"),
    [
        ("fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n", True),
        ("fatal error: runtime: cannot allocate memory\n", True),
        (  # Go could not start a thread: its stack counts against RLIMIT_DATA
            "runtime: failed to create new OS thread (have 7 already; errno=12)\n"
            "runtime: may need to increase max user processes (ulimit -u)\n"
            "fatal error: newosproc\n",
            True,
        ),
        (  # cgo could not start a thread: glibc cannot map its stack under the cap
            "runtime/cgo: pthread_create failed: Resource temporarily unavailable\n"
            "SIGABRT: abort\n",
            True,
        ),
        ("Traceback (most recent call last):\n  ...\nMemoryError\n", True),
        (GC_FAULT.format(frame="runtime.(*spanQueue).tryDrain(0x2f7900000400?, 0x7f64?)"), True),
        (GC_FAULT.format(frame="text/template.(*state).walk(0xc000123, 0x0)"), False),
        (GC_FAULT.replace("0x0\n", "0x18\n").format(frame="runtime.(*spanQueue).put()"), False),
        ("panic: runtime error: index out of range [3] with length 3\n", False),
        ("Traceback (most recent call last):\n  ...\nKeyError: 'op'\n", False),
    ],
)
def test_what_a_dead_worker_said_tells_a_memory_overrun_from_a_crash(
    stderr: str, memory: bool
) -> None:
    assert out_of_memory(stderr) is memory


def test_a_dead_worker_is_named_by_gos_first_line(tmp_path: Path) -> None:
    """A signal is what Go says first; the traceback's last line is a stack frame's path."""
    process = WorkerProcess(DEFAULT_BUDGET.memory_bytes)
    try:
        process.popen.kill()
        process.stderr.write(GC_FAULT.format(frame="runtime.(*spanQueue).put()").encode())
        assert process.died_of() == ("SIGSEGV: segmentation violation", True)
    finally:
        process.kill()
