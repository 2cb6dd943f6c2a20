"""jsonschema-rs's verdict on core Kubernetes kinds equals jsonschema's (issue 11: a
compiled validator only "if it gives the same verdicts, shown by a differential test
over the golden tree and mutated objects").

`compiled_check` is trusted only when it says "valid", so the test that matters is
that it never says "valid" where jsonschema finds an error; both directions are held
equal here, on every core object of the golden tree and of the reference catalog's
renders, and on mutations of each that an author makes by mistake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from blueprintc.validate import kubernetes
from blueprintc.validate.kubernetes import compiled_check
from blueprintc.validate.objects import DEFAULT_KUBERNETES_VERSION, schema_validator
from tests.validate.mutations import mutations

REPO = Path(__file__).resolve().parents[2]
RENDERED = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}, annotations: {checksum/config: abc}}
    spec:
      securityContext: {runAsNonRoot: true, fsGroup: 1000}
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          ports: [{name: http, containerPort: 8080, protocol: TCP}]
          env: [{name: A, value: "1"}, {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}]
          resources: {limits: {cpu: 500m, memory: 256Mi}, requests: {cpu: 100m}}
          readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 5}
          volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: ClusterIP
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, annotations: {a: b}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {name: http}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: b, image: registry.example.com/b:1, args: [run]}]
"""


@pytest.fixture(autouse=True)
def _compile_from_the_first_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "COMPILE_AFTER_OBJECTS", -1)


def _core_objects() -> Iterator[tuple[str, dict[str, Any]]]:
    documents = [("rendered", d) for d in yaml.safe_load_all(RENDERED)]
    for path in sorted((REPO / "golden").rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            documents.append((str(path.relative_to(REPO)), document))
    for where, document in documents:
        if isinstance(document, dict) and _has_compiled_check(document):
            yield where, document


def _validator(obj: dict[str, Any]) -> Any:
    return schema_validator(obj["apiVersion"], obj["kind"], DEFAULT_KUBERNETES_VERSION)


def _has_compiled_check(obj: dict[str, Any]) -> bool:
    """A core kind: one `compiled_check` can compile (module state, set at import)."""
    if not isinstance(obj.get("apiVersion"), str) or not isinstance(obj.get("kind"), str):
        return False
    validator = _validator(obj)
    return validator is not None and id(validator) in kubernetes._compiled


CASES = list(_core_objects())


def test_the_corpus_has_core_objects_of_many_kinds() -> None:
    assert len({obj["kind"] for _, obj in CASES}) >= 7


@pytest.mark.parametrize(("where", "obj"), CASES, ids=[f"{w}:{o['kind']}" for w, o in CASES])
def test_compiled_and_jsonschema_verdicts_agree(where: str, obj: dict[str, Any]) -> None:
    validator = _validator(obj)
    compiled = compiled_check(validator)
    assert compiled is not None
    disagreements = []
    for label, candidate in [("as written", obj), *mutations(obj)]:
        if not isinstance(candidate.get("apiVersion"), str) or candidate.get("kind") != obj["kind"]:
            continue  # another kind's schema (or none) decides those
        expected = next(iter(validator.iter_errors(candidate)), None) is None
        if compiled(candidate) != expected:
            disagreements.append(f"{label}: jsonschema {'valid' if expected else 'invalid'}")
    assert disagreements == []


def test_a_process_compiles_only_past_the_first_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "COMPILE_AFTER_OBJECTS", 3)
    monkeypatch.setattr(kubernetes, "_asked", 0)
    monkeypatch.setattr(kubernetes, "_compiled_checks", {})
    validator = _validator(CASES[0][1])
    assert [compiled_check(validator) for _ in range(3)] == [None, None, None]
    assert compiled_check(validator) is not None
