"""Where a host-shaped name sits decides what it is (canon `domains`).

A Kubernetes API group is an identifier, not a host: it is recognised by its place,
whatever its domain (the value of a key matching canon `apiGroupKeyPattern`, such as a CRD's
`spec.group` or an RBAC rule's `apiGroups`, an APIService name `v1beta1.<group>`, a
CRD's `metadata.name` `<plural>.<group>`), never by a fixed list of groups. Chart.yaml
provenance (`maintainers`, `home`, `sources`: canon `chartProvenanceKeys`), Markdown
documentation and comments (YAML `#`, Helm `{{/* */}}`) never reach a Sovereign.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.hosts import Host
from blueprintc.rules.naming.text import in_comment, is_doc, line_before, position
from blueprintc.source import SourceFile
from blueprintc.yamldoc import YamlDoc

_INLINE_KEY = re.compile(r"([\w.-]+)[\"']?\s*:\s*(?:\[[^\]]*)?[\"']?$")
_LIST_ITEM = re.compile(r"^(\s*)-\s*[\"']?$")
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?[\"']?([\w.-]+)[\"']?\s*:")
_GROUP_VALUE = re.compile(r"^\s*group:\s*[\"']?([\w.-]+)", re.MULTILINE)
_TEMPLATE_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.S)


def key_of(source: SourceFile, offset: int) -> str | None:
    """The YAML key whose value holds `offset`: `group: x`, `apiGroups: ["x"]`, the key
    a template expression is the value of (`groupName: {{ .x | default "x" }}`), or the
    key above a block list item (`apiGroups:` then `- x`)."""
    before = line_before(source.text, offset)
    match = _INLINE_KEY.search(before)
    if match is not None:
        return match.group(1)
    item = _LIST_ITEM.match(before)
    if item is None:
        line_key = _KEY_LINE.match(before)
        return line_key.group(2) if line_key is not None and "{{" in before else None
    indent = len(item.group(1))
    line, _ = position(source.text, offset)
    lines = source.lines
    for number in range(line - 2, -1, -1):
        text = lines[number]
        found = _KEY_LINE.match(text)
        if found is not None and found.start(2) <= indent:
            return found.group(2)
    return None


def in_template_comment(text: str, offset: int) -> bool:
    return any(start <= offset < end for start, end in _template_comments(text))


@functools.lru_cache(maxsize=1024)
def _template_comments(text: str) -> tuple[tuple[int, int], ...]:
    if "/*" not in text:
        return ()
    return tuple(m.span() for m in _TEMPLATE_COMMENT.finditer(text))


def _crd_groups(text: str) -> frozenset[str]:
    if "CustomResourceDefinition" not in text:
        return frozenset()
    return frozenset(g.lower() for g in _GROUP_VALUE.findall(text))


class Places:
    """The canon's places, compiled once per Blueprint check."""

    def __init__(self, ctx: BlueprintContext) -> None:
        self._ctx = ctx
        domains = ctx.canon.section("domains")
        self.group_key = re.compile(str(domains.get("apiGroupKeyPattern", "(?!)")))
        self.api_service = re.compile(str(domains.get("apiServiceVersionLabel", "(?!)")))

    @functools.cached_property
    def provenance(self) -> dict[str, frozenset[int]]:
        """Worked out when a host is first judged: most Blueprints have none to judge."""
        return _provenance_lines(self._ctx, self._ctx.canon.section("domains"))

    def is_api_group(self, host: Host) -> bool:
        if host.url:
            return False
        if host.api_name:
            return True
        if len(host.labels) > 2 and self.api_service.match(host.names[0]):
            return True
        key = key_of(host.source, host.start)
        if key is not None and self.group_key.search(key):
            return True
        group = ".".join(host.names[1:])
        return bool(group) and group in _crd_groups(host.source.text)

    def never_reaches_a_sovereign(self, source: SourceFile, offset: int) -> bool:
        """Documentation, a comment, or Chart.yaml provenance."""
        if is_doc(source):
            return True
        if in_comment(source.text, offset) or in_template_comment(source.text, offset):
            return True
        lines = self.provenance.get(source.rel)
        return lines is not None and position(source.text, offset)[0] in lines


def _provenance_lines(ctx: BlueprintContext, domains: dict[str, Any]) -> dict[str, frozenset[int]]:
    """The lines of Chart.yaml and blueprint.yaml that hold provenance or documentation
    (canon `chartProvenanceKeys`, `blueprintProvenancePaths`), by file."""
    found: dict[str, frozenset[int]] = {}
    chart = ctx.chart_yaml if ctx.chart_dir is not None else None
    if chart is not None:
        keys = [(str(k),) for k in domains.get("chartProvenanceKeys", [])]
        found[chart.source.rel] = _lines_below(chart, keys)
    paths = [tuple(str(p).split(".")) for p in domains.get("blueprintProvenancePaths", [])]
    if ctx.blueprint.has_file and paths:
        found[ctx.blueprint.rel] = _lines_below(ctx.blueprint.doc, paths)
    return found


def _lines_below(doc: YamlDoc, prefixes: list[tuple[str, ...]]) -> frozenset[int]:
    """The lines of every value at or below one of `prefixes` (a block scalar's too)."""
    lines: set[int] = set()
    for path, (line, _) in doc.values.items():
        if any(tuple(path[: len(p)]) == p for p in prefixes):
            value = doc.get(path)
            # a block scalar (`|`) starts on its indicator's line, one line per newline
            below = value.count("\n") if isinstance(value, str) else 0
            lines.update(range(line, line + below + 1))
    return frozenset(lines)
