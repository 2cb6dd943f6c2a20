"""This test process's children, to show that a test leaves none behind."""

from __future__ import annotations

import time
from pathlib import Path


def children() -> set[str]:
    """This process's child pids (Linux: each thread's `children` list in /proc)."""
    pids: set[str] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update((task / "children").read_text(encoding="ascii").split())
    return pids


def environ_of(pid: int) -> dict[str, str]:
    """The environment process `pid` was started with (Linux /proc)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def data_mib(pid: int) -> int:
    """Process `pid`'s data segment (what RLIMIT_DATA counts), in MiB (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines()
    (line,) = [line for line in status if line.startswith("VmData:")]
    return int(line.split()[1]) >> 10


def wait_until_exited(pids: set[str]) -> None:
    """Until each of `pids` has exited (a zombie: not yet reaped)."""
    for pid in pids:
        while _state(pid) != "Z":
            time.sleep(0.01)


def _state(pid: str) -> str:
    return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
