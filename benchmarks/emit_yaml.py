"""Micro benchmark: blueprintc's YAML writer against PyYAML's CSafeDumper, and tree writing.

Run: ``.venv/bin/python benchmarks/emit_yaml.py [--docs 30000] [--repeat 3]``.
Serialisation is timed separately from writing (file writing is noisy on these
machines); writing goes into a fresh directory each time. Both serialisers get
the same documents in the same process; the best of ``--repeat`` runs is shown.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from blueprintc.emit import OutputFile, emit
from blueprintc.emit.yamlwriter import dump_all

DOCS_PER_FILE = 3


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    nfiles = args.docs // DOCS_PER_FILE
    files = [k8s_documents(i) for i in range(nfiles)]

    def ours() -> None:
        for docs in files:
            dump_all(docs).encode()

    def pyyaml() -> None:
        for docs in files:
            yaml.dump_all(
                docs, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True
            ).encode()

    t_ours = best(ours, args.repeat)
    t_pyyaml = best(pyyaml, args.repeat)
    outputs = [
        OutputFile(f"apps/{i // 30:04d}/{i % 30:02d}/release.yaml", tuple(d), inputs=str(i))
        for i, d in enumerate(files)
    ]
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        write_times, swap_times = [], []
        for n in range(args.repeat):
            report = emit(outputs, Path(tmp) / f"out{n}")
            write_times.append(report.write_seconds)
            swap_times.append(report.serialise_seconds)
        t0 = time.perf_counter()
        noop = emit(outputs, Path(tmp) / "out0")
        t_noop = time.perf_counter() - t0
        shutil.rmtree(tmp, ignore_errors=True)

    ndocs = nfiles * DOCS_PER_FILE
    print(f"documents: {ndocs} in {nfiles} files")
    print(f"serialise  blueprintc yamlwriter : {t_ours:7.3f} s")
    print(
        f"serialise  PyYAML CSafeDumper    : {t_pyyaml:7.3f} s  ({t_pyyaml / t_ours:.1f}x slower)"
    )
    print(f"emit       serialise (in emit)   : {min(swap_times):7.3f} s")
    print(f"emit       write fresh tree      : {min(write_times):7.3f} s  (best of {args.repeat})")
    print(f"emit       no-change rebuild     : {t_noop:7.3f} s  ({len(noop.unchanged)} unchanged)")


if __name__ == "__main__":
    main()
