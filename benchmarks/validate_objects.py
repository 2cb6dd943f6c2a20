"""Throughput of blueprintc.validate: objects per second, in memory and from a tree on disk.

Run from the repository root: ``.venv/bin/python benchmarks/validate_objects.py [--count N]``.
Validates N HelmReleases and N ConfigMaps (default 10,000 each) with ``validate_object``,
then writes them as one file per Blueprint slot (HelmRepository + HelmRelease +
ConfigMap) and times ``validate_tree(kustomize=False)``, which adds reading and parsing.
For comparison it times kubernetes-validate's own ``validate()`` on a few ConfigMaps.
Each figure is the best of three runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

from blueprintc.validate import validate_object, validate_tree


def helm_release(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {
            "name": f"bp-app-{i}",
            "namespace": "flux-system",
            "labels": {"app.kubernetes.io/managed-by": "blueprintc", "openova.io/org": f"o{i}"},
        },
        "spec": {
            "interval": "15m",
            "releaseName": f"app-{i}",
            "targetNamespace": f"app-{i}",
            "chart": {
                "spec": {
                    "chart": f"bp-app-{i}",
                    "version": "1.2.3",
                    "sourceRef": {"kind": "HelmRepository", "name": f"bp-app-{i}"},
                }
            },
            "install": {"disableWait": True, "remediation": {"retries": 3}},
            "upgrade": {"remediation": {"retries": 3}},
            "dependsOn": [{"name": "bp-cnpg"}, {"name": "bp-cert-manager"}],
            "valuesFrom": [{"kind": "ConfigMap", "name": f"app-{i}-values"}],
            "values": {"replicas": 2, "ingress": {"host": f"app-{i}.example.test"}},
        },
    }


def helm_repository(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": {"name": f"bp-app-{i}", "namespace": "flux-system"},
        "spec": {"type": "oci", "interval": "1h", "url": "oci://registry.example.test/bp"},
    }


def config_map(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"app-{i}-values",
            "namespace": "flux-system",
            "labels": {"app.kubernetes.io/managed-by": "blueprintc"},
        },
        "data": {"values.yaml": f"replicas: 2\nname: app-{i}\n"},
    }


def rate(label: str, count: int, run: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` runs: the machine may be busy with other work."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    per_second = count / best
    print(f"{label:<58} {count:>7} objects  {per_second:>9,.0f} objects/s")
    return per_second


def validate_all(objects: Iterable[dict[str, Any]]) -> None:
    for obj in objects:
        errors = validate_object(obj)
        if errors:
            raise SystemExit(f"unexpected errors: {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="objects of each kind")
    count = parser.parse_args().count
    releases = [helm_release(i) for i in range(count)]
    maps = [config_map(i) for i in range(count)]
    validate_all([releases[0], maps[0], helm_repository(0)])  # build the validators first

    rate("validate_object: HelmRelease", count, lambda: validate_all(releases))
    rate("validate_object: ConfigMap", count, lambda: validate_all(maps))
    rate(
        "validate_object: HelmRelease + ConfigMap",
        2 * count,
        lambda: validate_all(obj for pair in zip(releases, maps, strict=True) for obj in pair),
    )
    sample = maps[:200]
    rate(
        "kubernetes_validate.validate (uncached): ConfigMap",
        len(sample),
        lambda: [kubernetes_validate.validate(obj, "1.32.0", strict=True) for obj in sample],
    )

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for i in range(count):
            slot = out / "bootstrap-kit" / f"{i // 100:03d}" / f"{i:05d}-bp-app-{i}.yaml"
            slot.parent.mkdir(parents=True, exist_ok=True)
            documents = [helm_repository(i), helm_release(i), config_map(i)]
            slot.write_text(yaml.dump_all(documents, Dumper=yaml.CSafeDumper, sort_keys=False))

        def tree() -> None:
            found = validate_tree(out, kustomize=False)
            if found:
                raise SystemExit(f"unexpected diagnostics: {found[:3]}")

        rate("validate_tree (read + parse + validate, no kustomize)", 3 * count, tree)


if __name__ == "__main__":
    main()
