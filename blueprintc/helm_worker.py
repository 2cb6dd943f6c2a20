"""The Helm worker process: `python -m blueprintc.helm_worker`, driven by `helm_pool`.

It is the only place blueprintc calls the Helm SDK. It reads requests from its
stdin and answers on its stdout, one at a time, in frames (see `write_frame`): a
JSON header and an optional binary blob (an archive going in, Helm's JSON coming
out). Loaded charts stay here, under the id the parent gave them, so renders of one
chart pay for its load once; the least recently used are closed past `MAX_CHARTS`
(the parent loads again a chart the worker no longer knows).

Its data segment is capped with RLIMIT_DATA as each request asks: Go's heap then
fails to grow past the budget and the runtime aborts, which the parent reports as
a memory overrun. (RLIMIT_AS would not do: Helm's Go runtime reserves about
1.8 GB of address space at start-up but uses a tenth of it.) A Python-side
`MemoryError` is answered as such. Anything printed to fd 1 by a library goes to
stderr: fd 1 is kept for frames only.

A `lint` request lints a whole Blueprint here, its Helm calls made in-process
(`blueprintc.lint_jobs`: why, and how the budget still holds); its modules are
imported on the first one.

A render is the SDK's own native call (what `Chart.render` makes), so Helm's JSON
passes through undecoded and helm-c's `api_versions` option, which `Chart.render`
does not expose, is reachable; the SDK is pinned below 0.3 in pyproject.toml.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import struct
import sys
from collections import OrderedDict
from typing import Any, BinaryIO

FRAME = struct.Struct("!IQ")  # header length, blob length
MAX_CHARTS = 64
_PR_SET_PDEATHSIG = 1


def write_frame(out: BinaryIO, header: dict[str, Any], blob: bytes = b"") -> None:
    encoded = json.dumps(header).encode()
    out.write(FRAME.pack(len(encoded), len(blob)) + encoded)
    if blob:
        out.write(blob)
    out.flush()


def read_frame(source: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """The next frame, or None at the end of input."""
    head = source.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    header_size, blob_size = FRAME.unpack(head)
    header = json.loads(source.read(header_size))
    return header, source.read(blob_size) if blob_size else b""


class Worker:
    def __init__(self) -> None:
        import helm_python
        from helm_python import _native

        self.helm = helm_python
        self.native = _native
        self.charts: OrderedDict[int, Any] = OrderedDict()

    def handle(self, header: dict[str, Any], blob: bytes) -> tuple[dict[str, Any], bytes]:
        limit_memory(int(header.get("memory", -1)))
        if header["op"] == "lint":  # a whole Blueprint, its Helm calls made here
            from blueprintc.lint_jobs import run_job

            return run_job(self, header, blob)
        try:
            answer, data = self._dispatch(header, blob)
        except self.helm.HelmError as exc:
            return {"ok": False, "error": type(exc).__name__, "message": str(exc)}, b""
        except MemoryError:
            return {"ok": False, "error": "memory", "message": "out of memory"}, b""
        except LookupError:
            return {"ok": False, "error": "unknown-chart", "message": ""}, b""
        limit = int(header.get("max_output", 0))
        if limit and len(data) > limit:
            message = f"Helm's output is {len(data):,} bytes, over the {limit:,}-byte limit"
            return {"ok": False, "error": "output", "message": message}, b""
        return {"ok": True, **answer}, data

    def _dispatch(self, header: dict[str, Any], blob: bytes) -> tuple[dict[str, Any], bytes]:
        helm = self.helm
        op = header["op"]
        if op == "load":
            chart = helm.Chart.load_archive(blob) if blob else helm.Chart.load(header["path"])
            self._keep(int(header["chart"]), chart)
            return {}, json.dumps(chart.metadata).encode()  # asked of most charts: sent now
        if op == "get":
            value = getattr(self._chart(header["chart"]), header["what"])
            return {}, json.dumps(value).encode()
        if op == "render":
            # What `Chart.render` does, minus decoding Helm's JSON only to encode it again:
            # the values come as JSON in the blob, the manifests go back as Helm wrote them.
            manifests = self.native.call_string(
                "helm_render",
                self._chart(header["chart"])._raw(),
                blob.decode() if blob else None,
                json.dumps(header["options"]),
            )
            return {}, manifests.encode()
        if op == "dependency_list":
            return {}, json.dumps(helm.dependency_list(header["path"])).encode()
        if op == "dependency_build":
            helm.dependency_build(header["path"])
            return {}, b""
        if op == "package":
            archive = helm.package(
                header["path"],
                destination=header["into"],
                version=header.get("version"),
                app_version=header.get("app_version"),
            )
            return {"archive": archive}, b""
        raise ValueError(f"unknown operation {op!r}")

    def _keep(self, chart_id: int, chart: Any) -> None:
        self.charts[chart_id] = chart
        self._close_beyond(MAX_CHARTS)

    def close_charts(self) -> None:
        """Close every chart held: a finished lint job's, which nothing asks for again
        (every lint run loads its charts under new ids). Held, they stayed in Go's heap
        until 64 newer ones pushed them out: 9 MiB more RSS per worker after a
        50-Blueprint lint."""
        self._close_beyond(0)

    def _close_beyond(self, kept: int) -> None:
        """Close the least recently used charts until at most `kept` are held."""
        while len(self.charts) > kept:
            _, oldest = self.charts.popitem(last=False)
            oldest.close()

    def _chart(self, chart_id: int) -> Any:
        chart = self.charts[chart_id]  # KeyError: evicted, the parent loads it again
        self.charts.move_to_end(chart_id)
        return chart


_memory = [-1]  # the data-segment limit set last: one per process, as RLIMIT_DATA is


def limit_memory(limit: int) -> None:
    """Cap this process's data segment at `limit` bytes (-1: no cap)."""
    if limit != _memory[0]:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        soft = resource.RLIM_INFINITY if limit < 0 else limit
        if hard != resource.RLIM_INFINITY and soft != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
        _memory[0] = limit


def main() -> None:
    # Die with the parent, even in the middle of a render it no longer waits for.
    try:
        import ctypes  # here: the parent imports this module for its frames only

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed pipe still ends the loop
        pass
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints must not corrupt the frames
    worker = Worker()
    write_frame(answers, {"ok": True, "ready": True})
    while (frame := read_frame(requests)) is not None:
        header, blob = frame
        try:
            answer, data = worker.handle(header, blob)
        except Exception as exc:  # a bug here must not look like a hung Helm
            answer, data = {"ok": False, "error": "internal", "message": repr(exc)}, b""
        write_frame(answers, answer, data)


if __name__ == "__main__":
    sys.exit(main())
