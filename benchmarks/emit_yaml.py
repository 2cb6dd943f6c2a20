"""Micro benchmark: blueprintc's YAML writer against PyYAML's CSafeDumper, and tree writing.

Run: ``.venv/bin/python benchmarks/emit_yaml.py [--docs 30000] [--repeat 3]``.
Serialisation is timed separately from writing (file writing is noisy on these
machines); writing goes into a fresh directory each time. Both serialisers get
the same documents in the same process; the best of ``--repeat`` runs is shown.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from blueprintc.emit import EmitReport, OutputFile, emit
from blueprintc.emit.yamlwriter import dump_all

DOCS_PER_FILE = 3
WORK = Path(__file__).resolve().parent / ".work"  # git-ignored, same disk as a checkout


def k8s_documents(i: int) -> list[dict[str, Any]]:
    """Three documents shaped like an Application's Flux output."""
    org, app = f"org-{i // 30:04d}", f"app-{i % 30:02d}"
    labels = {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/part-of": org,
        "app.kubernetes.io/managed-by": "blueprintc",
        "catalyst.openova.io/environment": "staging",
    }
    repo = {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": {"name": f"bp-{app}", "namespace": org, "labels": labels},
        "spec": {"type": "oci", "interval": "10m", "url": "oci://registry.example.com/bp"},
    }
    release = {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": app, "namespace": org, "labels": labels},
        "spec": {
            "interval": "5m",
            "chart": {
                "spec": {
                    "chart": f"bp-{app}",
                    "version": "1.4.2",
                    "sourceRef": {"kind": "HelmRepository", "name": f"bp-{app}"},
                }
            },
            "dependsOn": [{"name": "cert-manager", "namespace": "flux-system"}],
            "install": {"remediation": {"retries": 3}},
            "values": {
                "replicaCount": 2 + i % 3,
                "image": {"repository": "ghcr.io/example/app", "tag": "1.0", "pullPolicy": None},
                "ingress": {"enabled": True, "host": f"{app}.{org}.example.com"},
                "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {}},
                "env": [
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "FEATURE_X", "value": "on"},
                    {"name": "CLUSTER", "value": "${cluster_name}"},
                ],
                "ratio": 0.25,
            },
        },
    }
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{app}-config", "namespace": org},
        "data": {
            "app.conf": f"server {{\n  listen 8080;\n  name {app};\n}}\n",
            "enabled": "true",
            "port": "8080",
        },
    }
    return [repo, release, config]


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    nfiles = args.docs // DOCS_PER_FILE
    docs = [k8s_documents(i) for i in range(nfiles)]

    def ours() -> None:
        for d in docs:
            dump_all(d).encode()

    def pyyaml() -> None:
        for d in docs:
            yaml.dump_all(d, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True).encode()

    t_ours = best(ours, args.repeat)
    t_pyyaml = best(pyyaml, args.repeat)
    files = [
        OutputFile(f"orgs/org-{i // 30:04d}/app-{i % 30:02d}.yaml", tuple(d), inputs=str(i))
        for i, d in enumerate(docs)
    ]
    one_changed = list(files)
    one_changed[7] = OutputFile(files[7].path, (*files[7].documents, {"x": 1}), "changed")
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        fresh = [emit(files, Path(tmp) / f"out{n}") for n in range(args.repeat)]
        noop = _timed(lambda: emit(files, Path(tmp) / "out0"))
        one = _timed(lambda: emit(one_changed, Path(tmp) / "out0"))

    ndocs = nfiles * DOCS_PER_FILE
    write = min(r.write_seconds for r in fresh)
    print(f"{ndocs} documents in {nfiles} files (best of {args.repeat})")
    print(f"serialise  blueprintc yamlwriter   {t_ours:7.3f} s")
    print(f"serialise  PyYAML CSafeDumper      {t_pyyaml:7.3f} s   {t_pyyaml / t_ours:.1f}x slower")
    print(f"emit       first build: serialise  {min(r.serialise_seconds for r in fresh):7.3f} s")
    print(f"emit       first build: write      {write:7.3f} s   fresh dir, incl. syncfs + rename")
    print(f"emit       no-change rebuild       {noop[1]:7.3f} s   strategy {noop[0].strategy}")
    print(f"emit       one file changed        {one[1]:7.3f} s   strategy {one[0].strategy}")


def _timed(fn: Callable[[], EmitReport]) -> tuple[EmitReport, float]:
    t0 = time.perf_counter()
    report = fn()
    return report, time.perf_counter() - t0


if __name__ == "__main__":
    main()
