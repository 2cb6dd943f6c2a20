"""Two claimants of one host: an Application routing a host under another
Organization's domain (BPP014), and two Applications of an Organization routing one
host (BPP033). An ingress controller given two releases for one host sends its
traffic to one of them, so compile reports the second claimant, naming the first."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.routes import routed_hosts
from blueprintc.compile.run import run_compile
from blueprintc.helm import RenderedObject
from tests.cli.helpers import HELM_LABELS

CASES = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP033"
APPS = "  applications:\n"
INGRESS = (
    """\
{{- if .Values.host }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
spec:
  rules:
    - host: {{ .Values.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ .Release.Name }}
                port:
                  number: 80
{{- end }}
"""
)
GLOBEX = """\
apiVersion: catalyst.openova.io/v1alpha1
kind: Organization
metadata:
  name: globex
spec:
  displayName: Globex
  regions: [hz-nbg]
  environments:
    - type: prod
  applications:
    - name: docs
      blueprint: bp-app
      version: ^1.0
      config:
        host: docs.globex.omani.homes
"""


def _app(name: str, host: str) -> str:
    return (
        f"    - name: {name}\n      blueprint: bp-app\n      version: ^1.0\n"
        f"      config:\n        host: {host}\n"
    )


def _found(
    tmp_path: Path, apps: str, rules: set[str], host: str = "{{ .Values.host | quote }}"
) -> list[tuple[int, str, str]]:
    """The `rules`' findings in acme.yaml of the BPP033 pass case with `apps` as acme's
    Applications, globex beside it, and an Ingress routing `host` in bp-app's chart."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASES / "pass", workspace)
    org = workspace / "organizations" / "acme.yaml"
    text = org.read_text()
    org.write_text(text[: text.index(APPS)] + APPS + apps)
    (workspace / "organizations" / "globex.yaml").write_text(GLOBEX)
    chart = workspace / "blueprints" / "app" / "chart"
    (chart / "templates" / "ingress.yaml").write_text(
        INGRESS.replace("{{ .Values.host | quote }}", host)
    )
    (chart / "values.yaml").write_text('replicas: 1\nhost: ""\n')
    outcome = run_compile(workspace, out=tmp_path / "out")
    return [
        (d.location.line, d.message, d.hint or "")
        for d in outcome.diagnostics
        if d.rule in rules and d.location.file == "organizations/acme.yaml"
    ]


def test_a_host_under_another_organizations_domain_is_reported_at_its_value(
    tmp_path: Path,
) -> None:
    [(line, message, hint)] = _found(tmp_path, _app("shop", "docs.globex.omani.homes"), {"BPP014"})
    assert line == 16  # shop's `host:`
    assert message.startswith(
        "Application shop of acme (prod, dev) routes docs.globex.omani.homes, under "
        "globex.omani.homes, Organization globex's domain"
    )
    assert (
        hint
        == "route a host under acme's own domain acme.omani.homes, such as docs.acme.omani.homes"
    )


def test_two_applications_routing_one_host_is_reported_at_the_second(tmp_path: Path) -> None:
    apps = _app("shop", "www.acme.omani.homes") + _app("store", "WWW.acme.omani.homes")
    [(line, message, hint)] = _found(tmp_path, apps, {"BPP033"})
    assert line == 21  # store's `host:`
    assert message.startswith(
        "Application store (prod, dev) routes www.acme.omani.homes, which Application shop "
        "(prod, dev) routes too"
    )
    assert hint.startswith("give store a host of its own")


def test_hosts_of_the_organizations_own_domain_each_its_own_pass(tmp_path: Path) -> None:
    apps = _app("shop", "shop.acme.omani.homes") + _app("store", "store.acme.omani.homes")
    assert _found(tmp_path, apps, {"BPP014", "BPP033"}) == []


def test_a_host_made_from_the_release_name_is_each_applications_own(tmp_path: Path) -> None:
    """Both share one render of bp-app, where the host looks alike; as installed, it is
    `shop.acme.omani.homes` and `store.acme.omani.homes`."""
    apps = _app("shop", "on") + _app("store", "on")
    host = '"{{ .Release.Name }}.acme.omani.homes"'
    assert _found(tmp_path, apps, {"BPP014", "BPP033"}, host) == []


def test_routed_hosts_reads_ingress_rules_and_gateway_routes() -> None:
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "spec": {"rules": [{"host": "a.acme.omani.homes"}, {"http": {}}, "x"]},
    }
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "spec": {"hostnames": ["b.acme.omani.homes", 3]},
    }
    other = {"apiVersion": "v1", "kind": "Service", "spec": {"host": "c.acme.omani.homes"}}
    objects = [RenderedObject("t.yaml", 0, body) for body in (ingress, route, other)]
    assert routed_hosts(objects) == ("a.acme.omani.homes", "b.acme.omani.homes")
