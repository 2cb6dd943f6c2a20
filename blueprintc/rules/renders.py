"""How a Blueprint's renders are keyed, and made at once when its chart is slow.

A rule asks `BlueprintContext.render` for a render by its values; the context keeps each
by `render_key`. A chart can take seconds per render (bitnami etcd makes an RSA key in
each), and a pre-commit lint of one Blueprint made its renders one after another while
the other Helm worker idled: the renders a rule knows it needs are made at once instead
(`make_at_once`), a Helm worker each, when lint has jobs to spare and the chart is slow
(`PARALLEL_RENDERS_FROM`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Request = tuple[dict[str, Any] | None, tuple[str, ...]]  # (values, extra API versions)

# Renders are made at once only for a chart whose renders take this long (seconds):
# starting a second Helm worker and loading the chart there takes about 0.15 s.
PARALLEL_RENDERS_FROM = 0.25


def render_key(values: dict[str, Any] | None, api_versions: tuple[str, ...]) -> str:
    # The default render, asked by most guards, needs no key worked out.
    key = "null" if values is None else json.dumps(values, sort_keys=True, default=str)
    return f"{key}|{','.join(api_versions)}" if api_versions else key


def make_at_once(render: Callable[..., object], requests: list[Request], jobs: int) -> None:
    """`render(values, api_versions)` for each request, `jobs` at a time; an exception
    of one (Helm's budget) is raised here, as `render` raises it."""
    if len(requests) < 2:
        return
    from blueprintc.threadpool import thread_pool

    with thread_pool(min(jobs, len(requests))) as pool:
        for _ in pool.map(lambda request: render(*request), requests):
            pass
