"""Child process of the SIGKILL test: emit one version of a big tree into out/.

Usage: python -m tests.emit.crash_child OUT N VERSION CHANGED
(the first CHANGED of N files carry VERSION, the rest v1). Prints "started"
just before emitting, "done" after.
"""

from __future__ import annotations

import sys
from pathlib import Path

from blueprintc.emit import emit
from tests.emit.helpers import make_files


def main(argv: list[str]) -> None:
    out, n, version, changed = Path(argv[0]), int(argv[1]), argv[2], int(argv[3])
    files = make_files(n, overrides=dict.fromkeys(range(changed), version))
    print("started", flush=True)
    report = emit(files, out)
    print("done", report.strategy, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
