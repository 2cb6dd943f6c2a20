"""Unit tests for the term matcher, its exemptions, and where the term rules look."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.canon import Canon, default_canon
from blueprintc.rules.naming.text import position
from blueprintc.rules.terms.banned_term_api_name import rename
from blueprintc.rules.terms.matcher import split_identifier, terms
from blueprintc.rules.terms.sources import Skips, scalar_span, schema_nodes
from blueprintc.source import SourceFile
from blueprintc.yamldoc import load_yaml

MATCHER = terms(default_canon())


def _hits(text: str) -> list[str]:
    return [hit.text for hit in MATCHER.in_text(text)]


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("Every tenant, Tenants and TENANT.", ["tenant", "Tenants", "TENANT"]),
        ("multi-tenant setups", ["tenant"]),
        ("tenancy, tenantId, tenant_id, `tenant`, a/tenant, tenant.yaml", []),
        ("bp-tenant-portal and bp-template", []),
        ("a Kubernetes Operator and the Prometheus\n  Operator CRDs", []),
        ("the CloudNativePG operator, the operator pattern", []),
        ("the operator of the Sovereign", ["operator"]),
        ("an OIDC client, OAuth2 clients, a client ID, client-side code", []),
        ("every client gets an invoice", ["client"]),
        ("the Element web client and a chat client", []),
        ("the library chart's helper templates", []),
        ("Helm modules and Go modules; the modules", ["modules"]),
        ("Kubernetes templates, template files, a scaffold template", []),
        ("pick a template", ["template"]),
        ("for instance, an EC2 instance; each instance", ["instance"]),
        (
            "Backstage, the Lifecycle Manager, the lifecycle-manager",
            ["Backstage"] * 1
            + [
                "Lifecycle Manager",
                "lifecycle-manager",
            ],
        ),
        ("the Bootstrap\n    wizards", ["Bootstrap\n    wizards"]),
        ("a Terraform workspace and a workspace", ["workspace"]),
        ("(CNPG) operator and *Kubernetes* operator", []),
        ("the operator. Kubernetes is next", ["operator"]),
    ],
)
def test_terms_in_prose(text: str, hits: list[str]) -> None:
    assert _hits(text) == hits


def test_hits_know_their_offset_and_replacement() -> None:
    text = "one tenant\ntwo tenants"
    found = list(MATCHER.in_text(text))
    assert [position(text, h.start) for h in found] == [(1, 5), (2, 5)]
    assert {h.term.use for h in found} == {"Organization"}
    assert found[0].term.hint().startswith("write 'Organization' instead")


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("tenantId", ["tenant", "Id"]),
        ("TENANT_ID", ["TENANT", "ID"]),
        ("oidc-client-secret", ["oidc", "client", "secret"]),
        ("XMLTenant", ["XML", "Tenant"]),
        ("oauth2Client", ["oauth", "2", "Client"]),
    ],
)
def test_split_identifier(name: str, parts: list[str]) -> None:
    assert [part for _, part in split_identifier(name)] == parts


@pytest.mark.parametrize(
    ("name", "renamed"),
    [
        ("tenantId", ["organizationId"]),
        ("moduleName", ["blueprintName"]),
        ("TENANT_ID", ["ORGANIZATION_ID"]),
        ("operator_email", ["sovereign_admin_email"]),
        ("operatorEmail", ["sovereignAdminEmail"]),
        ("OperatorEmail", ["SovereignAdminEmail"]),
        ("my-tenants", ["my-organizations"]),
        ("lifecycleManagerUrl", ["catalystUrl"]),
        ("tenantModule", ["organizationModule", "tenantBlueprint"]),
        ("clientId", []),
        ("oidcClient", []),
        ("oauth2Client", []),
        ("OAuth2ClientName", []),
        ("podTemplate", []),
        ("templateFile", []),
        ("operator", []),  # the toleration field (canon exemptIdentifiers)
        # `instances` is a CNPG Cluster's spec key (canon exemptIdentifiers, issue 8)
        ("instances", []),
        ("instanceCount", ["applicationCount"]),
        ("appInstances", ["appApplications"]),
        ("clientPort", []),
        ("domainTemplate", []),
        ("chatTemplate", []),
        ("backstageUrl", ["catalystConsoleUrl"]),
    ],
)
def test_terms_in_identifiers(name: str, renamed: list[str]) -> None:
    assert [rename(name, hit) for hit in MATCHER.in_identifier(name)] == renamed


def test_a_workspace_canon_can_add_terms_and_exemptions() -> None:
    data = dict(default_canon().data)
    data["terms"] = [{"term": "Cluster", "use": "host cluster", "exemptBefore": ["host"]}]
    matcher = terms(Canon(data))
    assert [h.text for h in matcher.in_text("a cluster, a host cluster, a tenant")] == ["cluster"]


YAML = """\
card:
  title: "A \\"tenant\\" portal"
  tagline: 'It''s for every tenant'
  summary: |
    First line.
      Second, tenant line.

    After a blank line.
  description: plain text
    continued on the next line # a comment
  other: x # tenant in a comment
next: 1
"""


@pytest.mark.parametrize(
    ("key", "content"),
    [
        ("title", 'A \\"tenant\\" portal'),
        ("tagline", "It''s for every tenant"),
        ("summary", "\n    First line.\n      Second, tenant line.\n\n    After a blank line."),
        ("description", "plain text\n    continued on the next line"),
        ("other", "x"),
    ],
)
def test_scalar_span_is_the_raw_content(key: str, content: str) -> None:
    doc = load_yaml(SourceFile(Path("b.yaml"), "b.yaml", YAML))
    span = scalar_span(doc, ("card", key))
    assert span is not None
    assert YAML[span[0] : span[1]] == content


def test_markdown_skips_code_and_urls() -> None:
    text = (
        "tenant one\n"
        "```\ntenant two\n```\n"
        "`tenant` three [x](https://e.com/tenant) https://e.com/tenant\n"
        "~~~~\ntenant ~~~\n~~~~\n"
        "<!-- tenant -->\n"
        "tenant four\n"
    )
    skips = Skips(text)
    prose = [h.start for h in MATCHER.in_text(text) if not skips.covers(h.start)]
    assert [position(text, s)[0] for s in prose] == [1, 10]


def test_unclosed_fence_runs_to_the_end() -> None:
    text = "ok tenant\n```\ntenant\n"
    skips = Skips(text)
    assert [h.start for h in MATCHER.in_text(text) if not skips.covers(h.start)] == [3]


def test_schema_nodes_skip_data() -> None:
    schema = {
        "properties": {"a": {"description": "x", "default": {"description": "data"}}},
        "oneOf": [{"properties": {"b": {}}}],
        "items": {"title": "t"},
        "examples": [{"description": "data"}],
    }
    paths = [path for path, _ in schema_nodes(schema, ("s",))]
    assert paths == [
        ("s",),
        ("s", "properties", "a"),
        ("s", "items"),
        ("s", "oneOf", 0),
        ("s", "oneOf", 0, "properties", "b"),
    ]


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        # technical senses (canon exemptions, issue 8): none is a banned term
        ("Installs the External Secrets Operator and the Trivy Operator.", []),
        ("Wraps knative-operator.", []),
        ("The Helm templates render a Deployment; templates/ holds them.", []),
        ("The chart's templates render one Service.", []),
        ("Runs an instance of Keycloak and a Redis instance.", []),
        ("Speaks through a gRPC client and a REST client library.", []),
        ("Provisioned by an OpenTofu module.", []),
        # right after a product's name (canon exemptAfterName), not after a determiner
        ("Each host cluster runs its own Harbor instance; OpenBao instances too.", []),
        ("Serves Anthropic clients and the Element-Web client.", []),
        ("Ships the Catalyst overlay templates in templates/ and a NetworkPolicy template.", []),
        ("Composes the UI modules.", []),
        (
            "Manage modules. The operator decides. Operator overlays flip it.",
            ["modules", "operator", "Operator"],
        ),
        ("A Catalyst instance for each Organization instance.", ["instance", "instance"]),
        ("Creates a MinIO Tenant per pool, as Tenant CRs; Capsule Tenants too.", []),
        ("A MinIO tenant for each tenant.", ["tenant"]),
        # the Catalyst senses next to them still fail
        ("Each instance gets a module and a client.", ["instance", "module", "client"]),
        ("The operator approves every template.", ["operator", "template"]),
    ],
)
def test_technical_senses_are_not_banned(text: str, hits: list[str]) -> None:
    assert _hits(text) == hits
