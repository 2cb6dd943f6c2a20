"""SIGTERM (a CI job's time-out, `timeout`) ends a command as Ctrl-C does, unwinding:
its Helm workers are stopped and nothing is left in the temporary directory (Python's
default, ending at once, left each Helm worker's directory behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.lint.generate import generate
from blueprintc import cli as cli_module
from blueprintc.helm_process import WORKER_TMP_PREFIX


def test_sigterm_stops_the_command_and_leaves_nothing_behind(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    generate(workspace, 30)  # a lint that lasts well past the signal
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with subprocess.Popen(
        [sys.executable, "-m", "blueprintc", "lint", str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temporary), "NO_COLOR": "1"},
        text=True,
    ) as proc:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(WORKER_TMP_PREFIX) for p in temporary.iterdir()):
            assert proc.poll() is None and time.monotonic() < deadline, "no Helm worker"
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)  # its Helm worker has just started
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "blueprintc: terminated (SIGTERM)" in stderr
    assert "Traceback" not in stderr
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize(
    ("signalled", "code", "said"),
    [
        (cli_module.Terminated(143), 143, "blueprintc: terminated (SIGTERM)\n"),
        (KeyboardInterrupt(), 1, "\nAborted!\n"),
    ],
)
def test_a_signal_a_c_extension_wrapped_in_its_own_error_ends_the_command_as_itself(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signalled: BaseException,
    code: int,
    said: str,
) -> None:
    """A handler that raised inside a C callback surfaces as the extension's error, the
    signal its cause: the command still ends as the signal ends it, in one line."""

    def wrapped(**_: object) -> None:
        try:
            raise signalled
        except BaseException as exc:
            raise SystemError(
                "git_packbuilder_write returned a result with an exception set"
            ) from exc

    monkeypatch.setattr(cli_module, "cli", wrapped)
    monkeypatch.setattr(cli_module, "_exit_without_teardown", lambda done: None)
    monkeypatch.setattr(sys, "argv", ["blueprintc", "deliver"])
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as ended:
            cli_module.main()
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert ended.value.code == code
    assert capsys.readouterr().err == said
