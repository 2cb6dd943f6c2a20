"""Where a host-shaped name sits decides what it is (canon `domains`).

A Kubernetes API group is an identifier, not a host: it is recognised by its place,
whatever its domain (the value of a canon `apiGroupKeys` key such as a CRD's
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

_INLINE_KEY = re.compile(r"([\w.-]+)[\"']?\s*:\s*(?:\[[^\]]*)?[\"']?$")
_LIST_ITEM = re.compile(r"^(\s*)-\s*[\"']?$")
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?[\"']?([\w.-]+)[\"']?\s*:")
_GROUP_VALUE = re.compile(r"^\s*group:\s*[\"']?([\w.-]+)", re.MULTILINE)
_TEMPLATE_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.S)


def key_of(source: SourceFile, offset: int) -> str | None:
    """The YAML key whose value holds `offset`: `group: x`, `apiGroups: ["x"]`, or the
    key above a block list item (`apiGroups:` then `- x`)."""
    before = line_before(source.text, offset)
    match = _INLINE_KEY.search(before)
    if match is not None:
        return match.group(1)
    item = _LIST_ITEM.match(before)
    if item is None:
        return None
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
        domains = ctx.canon.section("domains")
        self.group_keys = frozenset(str(k) for k in domains.get("apiGroupKeys", []))
        self.api_service = re.compile(str(domains.get("apiServiceVersionLabel", "(?!)")))
        self.provenance = _provenance_lines(ctx, domains.get("chartProvenanceKeys", []))

    def is_api_group(self, host: Host) -> bool:
        if host.url:
            return False
        if host.api_name:
            return True
        if len(host.labels) > 2 and self.api_service.match(host.names[0]):
            return True
        if key_of(host.source, host.start) in self.group_keys:
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


def _provenance_lines(ctx: BlueprintContext, keys: Any) -> dict[str, frozenset[int]]:
    """The lines of the chart's Chart.yaml that hold provenance values."""
    doc = ctx.chart_yaml if ctx.chart_dir is not None else None
    if doc is None or not isinstance(keys, list):
        return {}
    wanted = {str(k) for k in keys}
    lines = {line for path, (line, _) in doc.values.items() if path and path[0] in wanted}
    return {doc.source.rel: frozenset(lines)}
