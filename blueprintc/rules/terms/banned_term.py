"""Banned terms in user-facing text: card, configSchema, Chart.yaml, README.

CANON §4: the platform has one vocabulary. Say Organization (not tenant),
sovereign-admin (not operator, the person), User (not client), Blueprint
(not module or template), Catalyst console (not Backstage), Environment (not
workspace), Application (not instance), Catalyst (not Lifecycle Manager or
Bootstrap wizard). Terms, replacements and exemptions are canon data
(`terms`).

Checked: `spec.card` `title`, `summary`, `tagline`, `description`; every
`title` and `description` in `spec.configSchema`; Chart.yaml `description`;
Markdown prose (fenced and inline code, link targets and URLs skipped). Whole
words, any case, plurals included. The exempt senses are allowed: a
`Kubernetes Operator`, an `OIDC client`, a `Helm module`, a `Kubernetes
template`, and the canon's `exemptBefore` / `exemptAfter` neighbour words. In a
Blueprint whose chart depends on an upstream Operator's chart (a name ending in
`operator`: `knative-operator`, `trivy-operator`), "the operator" is that software,
not a person, and is not reported there.
Each hit is reported at its own line and column, inside block scalars too.

Failing (two findings, both on the line of the text, not of `summary:`)::

    card:
      summary: |
        Gives every tenant its own workspace.

Passing::

    card:
      summary: |
        Gives every Organization its own Environment. Ships the CNPG operator
        and an OIDC client for Keycloak.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.text import location
from blueprintc.rules.terms.matcher import Hit, Term, terms
from blueprintc.rules.terms.sources import Skips, config_schema_nodes, scalar_span
from blueprintc.source import SourceFile
from blueprintc.yamldoc import PathKey, YamlDoc, json_path

CARD_FIELDS = ("title", "summary", "tagline", "description")
SCHEMA_FIELDS = ("title", "description")


@rule(
    "BPT001",
    "banned-term",
    Severity.WARNING,
    "user-facing text uses a banned term (tenant, operator, module, ...)",
    "use the canon term (Organization, sovereign-admin, Blueprint, ...)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    matcher = terms(ctx.canon)
    software = _software_senses(ctx, matcher.terms)
    for doc, path in _fields(ctx):
        span = scalar_span(doc, path)
        if span is not None:
            for hit in matcher.in_text(doc.source.text, *span):
                if hit.term.label not in software:
                    yield _finding(hit, doc.source, json_path(path))
    for source in ctx.text_files:
        if source.rel.endswith(".md"):
            skips = None  # made at the first hit: most documents have none
            for hit in matcher.in_text(source.text):
                skips = skips or Skips(source.text)
                if not skips.covers(hit.start) and hit.term.label not in software:
                    yield _finding(hit, source)


def _software_senses(ctx: BlueprintContext, candidates: Iterable[Term]) -> set[str]:
    """The terms that name the software this Blueprint installs: its chart depends on an
    upstream chart the term's `exemptWhereChartDependsOn` matches (`knative-operator`)."""
    names = [str(d.get("name", "")) for d in ctx.declared_dependencies]
    return {
        term.label
        for term in candidates
        if term.dependency_sense is not None
        and any(term.dependency_sense.search(name) for name in names)
    }


def _fields(ctx: BlueprintContext) -> Iterator[tuple[YamlDoc, PathKey]]:
    doc = ctx.blueprint.doc
    card = doc.get(("spec", "card"))
    if isinstance(card, dict):
        for key in CARD_FIELDS:
            if isinstance(card.get(key), str):
                yield doc, ("spec", "card", key)
    for path, node in config_schema_nodes(ctx):
        for key in SCHEMA_FIELDS:
            if isinstance(node.get(key), str):
                yield doc, (*path, key)
    chart = ctx.chart_yaml
    if chart is not None and isinstance(chart.get(("description",)), str):
        yield chart, ("description",)


def _finding(hit: Hit, source: SourceFile, path: str = "") -> Finding:
    return Finding(
        f"'{hit.text}' is a banned term: say '{hit.term.use}'",
        location(source, hit.start, path),
        hint=hit.term.hint(),
    )


RULE = check
