"""Turning compile problems into diagnostics of the plan rules (family BPP)."""

from __future__ import annotations

from blueprintc.diagnostics import Diagnostic, Finding, Location
from blueprintc.lint import make_diagnostic
from blueprintc.model.blueprint import Dependency
from blueprintc.plan.predicates import PredicateError
from blueprintc.plan.versions import RangeError, best_match, parse_range
from blueprintc.rules import RULES, plan_rules
from blueprintc.rules.guards.support import doc_location
from blueprintc.rules.schema.when_predicate import predicate_finding
from blueprintc.yamldoc import PathKey, YamlDoc


def at(doc: YamlDoc, path: PathKey, key: bool = False) -> Location:
    """Where `path` is in `doc`, as lint's guards place a finding."""
    return doc_location(doc, path, key)


# The plan rules, and the lint guards compile also applies to its releases' renders.
_RULES = {
    rule.id: rule
    for rule in (
        *plan_rules.RULES,
        RULES["BPS001"],  # blueprint.yaml, whose version and name compile emits
        RULES["BPS002"],  # its configSchema, which compile checks each config with
        RULES["BPS003"],  # blueprintc.yaml, which says where compile's inputs are
        RULES["BPS008"],  # Chart.yaml's name, the chart build publishes
        RULES["BPG009"],
        RULES["BPG017"],
        RULES["BPG022"],
        RULES["BPG024"],
    )
}


def report(rule_id: str, message: str, location: Location, hint: str | None = None) -> Diagnostic:
    return make_diagnostic(_RULES[rule_id], Finding(message, location, hint))


def schema_reports(rule_id: str, doc: YamlDoc, schema: str) -> list[Diagnostic]:
    """`rule_id` for each place `doc` does not match the schema file `schema`, worded and
    placed as lint's schema rules have them."""
    from blueprintc.rules.schema.support import schema_findings
    from blueprintc.schemas import load_schema

    found = schema_findings(doc, load_schema(schema))
    return [report(rule_id, f.message, f.location, f.hint) for f in found]


def workspace_file_reports(doc: YamlDoc) -> list[Diagnostic]:
    """BPS003 for `blueprintc.yaml`, as lint reports it: a key compile would ignore
    (`organisations:`, `kubernetesVersion: 1.30`, a number) is no quiet default, where
    compiling no Organizations removes every one's tree from out/."""
    from blueprintc.schemas import WORKSPACE_SCHEMA

    return schema_reports("BPS003", doc, WORKSPACE_SCHEMA)


def predicate_report(doc: YamlDoc, dep: Dependency, error: PredicateError) -> Diagnostic:
    """BPP012 for `dep`'s `when:`, worded and placed as lint's BPS005 places it."""
    finding = predicate_finding(doc, dep, error)
    return report("BPP012", finding.message, finding.location)


def range_problem(text: str, available: str | None, provider: str = "the catalog") -> str | None:
    """None when version `available` satisfies the range `text`; else why it does not.
    None too when `available` is unknown (its blueprint.yaml has none: BPS001's)."""
    if available is None:
        return None
    try:
        wanted = parse_range(text)
    except RangeError as exc:
        return f"version range {text!r}: {exc}"
    if best_match(wanted, [available]) is None:
        return f"no version satisfies {text} ({provider} has {available})"
    return None
