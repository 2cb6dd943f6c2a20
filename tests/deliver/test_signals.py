"""SIGTERM or Ctrl-C while libgit2 runs the delivery's object-backend callbacks
(deliver/packing.py) ends `blueprintc deliver` as it ends any command: one line, no
traceback, the usual exit code, and repositories git finds whole.

The signal is sent by the child to itself from inside the callback named, on its
`nth` call: where a user's signal lands in a fraction of deliveries, every time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import invoke

REPO = Path(__file__).resolve().parents[2]
KEY = REPO / "tests/data/openpgp/test-only.key"

_CHILD = """
import os, signal, sys
# Ctrl-C as a terminal's foreground job has it: a job a shell started in the background
# (a CI runner's, a `nohup ... &` test run) inherits SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
from blueprintc.deliver import packing
from blueprintc.cli import main

callback = getattr(packing.PendingObjects, {callback!r})
calls = []

def signalled(self, *args):
    calls.append(None)
    if len(calls) == {nth}:
        os.kill(os.getpid(), {signum})
    return callback(self, *args)

setattr(packing.PendingObjects, {callback!r}, signalled)
sys.argv = ["blueprintc", "deliver", "--signing-key", {key!r}]
main()
"""

# What every other command says and exits with (click's Ctrl-C line; the CLI's SIGTERM).
ENDINGS = {
    signal.SIGTERM: (143, "blueprintc: terminated (SIGTERM)\n"),
    signal.SIGINT: (1, "\nAborted!\n"),
}


# read_cb: the pack builder's write; exists_cb: a blob's; read_header_cb: a tree entry's
# insert (a git error, the branch "failed" and the delivery going on) and the pack's.
@pytest.mark.parametrize(
    ("callback", "nth"),
    [("read_cb", 2), ("exists_cb", 1), ("read_header_cb", 1), ("read_header_cb", 20)],
)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_inside_a_libgit2_callback_ends_deliver_as_any_command(
    ws: Path, callback: str, nth: int, signum: signal.Signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _CHILD.format(callback=callback, nth=nth, signum=int(signum), key=str(KEY))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLUEPRINTC_")}
    done = subprocess.run(
        [sys.executable, "-c", child],
        cwd=ws,
        env={**env, "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == ENDINGS[signum]
    for repository in sorted((ws / "out/git").glob("*/*.git")):
        fsck = subprocess.run(["git", "--git-dir", str(repository), "fsck", "--full"], check=False)
        assert fsck.returncode == 0, repository
    monkeypatch.chdir(ws)
    again = invoke("deliver", "--signing-key", KEY)
    assert again.exit_code == 0 and ", 0 failed" in again.output, again.output
