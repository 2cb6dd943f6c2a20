"""What a promotion changes in one Environment branch, for the pull request body.

A promotion recompiles the target branch; the plan compares the branch's files
before and after, object by object (a Kubernetes object by kind, namespace and
name; a kustomize file by its path), and for every HelmRelease the values key by
key, so a reviewer sees the Blueprint version move, each object added, changed or
removed, and each value that changes with where it was set. Neither Kargo nor
Telefonistka shows the rendered difference inside the PR; this is it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import yaml

from blueprintc.plan.values import Merged
from blueprintc.promote.gates import GateResult, gate_table

_SHOWN_VALUE = 80
Where = Callable[[str, str], str | None]  # (release, dotted key) -> "file:line"


@dataclass(frozen=True)
class ObjectChange:
    change: str  # "added" | "changed" | "removed"
    object: str  # "HelmRelease shop/shop", or "Kustomization (regions/hz-nbg/kustomization.yaml)"
    path: str


@dataclass(frozen=True)
class ValueChange:
    release: str
    key: str
    old: Any
    new: Any
    where: str | None = None


_UNSET = object()


@dataclass(frozen=True)
class PromotionPlan:
    blueprint: str
    version_from: str | None
    version_to: str | None
    objects: tuple[ObjectChange, ...]
    values: tuple[ValueChange, ...]
    dependents: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.objects

    def as_data(self) -> dict[str, Any]:
        """The plan as JSON data (an unset value as "(unset)")."""
        data: dict[str, Any] = json.loads(
            json.dumps(asdict(self), sort_keys=True, default=_json_default)
        )
        return data

    def digest(self) -> str:
        """sha256 of the plan's canonical JSON: the merge commit records it, so what
        was reviewed is what was merged."""
        text = json.dumps(asdict(self), sort_keys=True, default=_json_default)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _json_default(value: object) -> str:
    return "(unset)" if value is _UNSET else str(value)


def where_in(values: Mapping[str, Merged]) -> Where:
    """`Where` over each release's merged values (release name -> Merged): the layer
    and file:line that decided a key, as `blueprintc explain-value` says it."""

    def where(release: str, key: str) -> str | None:
        merged = values.get(release.rsplit("/", 1)[-1])
        origins = merged.explain(key) if merged is not None else []
        if not origins or origins[0].line is None:
            return None
        top = origins[0]
        return f"{top.layer} at {top.source}:{top.line}"

    return where


def _objects(files: Mapping[str, bytes]) -> dict[str, tuple[str, Any]]:
    """object label -> (path, object) for every YAML document of the branch."""
    found: dict[str, tuple[str, Any]] = {}
    for path in sorted(files):
        if not path.endswith((".yaml", ".yml")):
            found[f"file ({path})"] = (path, files[path])
            continue
        try:
            docs = list(yaml.safe_load_all(files[path]))
        except yaml.YAMLError:  # not what compile writes (a branch edited on the server)
            found[f"file ({path})"] = (path, files[path])
            continue
        for index, doc in enumerate(docs):
            if not isinstance(doc, dict):
                continue
            found[_label(path, index, doc)] = (path, doc)
    return found


def _label(path: str, index: int, doc: Mapping[str, Any]) -> str:
    kind = str(doc.get("kind") or "document")
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    name = metadata.get("name") if metadata else None
    if name is None:
        return f"{kind} ({path}{f' #{index + 1}' if index else ''})"
    namespace = metadata.get("namespace")
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def _flatten(values: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(values, dict) and values:
        flat: dict[str, Any] = {}
        for key in values:
            flat.update(_flatten(values[key], f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: values} if prefix else {}


def _release_values(doc: Any) -> dict[str, Any]:
    spec = doc.get("spec") if isinstance(doc, dict) else None
    values = spec.get("values") if isinstance(spec, dict) else None
    return _flatten(values) if isinstance(values, dict) else {}


def _chart(doc: Any) -> tuple[str, str | None]:
    chart = ((doc.get("spec") or {}).get("chart") or {}).get("spec") or {}
    return str(chart.get("chart") or ""), chart.get("version")


def plan_promotion(
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    dependents: Sequence[str] = (),
    where: Where | None = None,
) -> PromotionPlan:
    """The plan of turning the branch `before` into `after` (paths -> bytes)."""
    old, new = _objects(before), _objects(after)
    objects: list[ObjectChange] = []
    values: list[ValueChange] = []
    blueprint, version_from, version_to = "", None, None
    for label in sorted(set(old) | set(new)):
        was, now = old.get(label), new.get(label)
        if was is None:
            objects.append(ObjectChange("added", label, now[0]))  # type: ignore[index]
        elif now is None:
            objects.append(ObjectChange("removed", label, was[0]))
        elif was[1] != now[1]:
            objects.append(ObjectChange("changed", label, now[0]))
        if label.startswith("HelmRelease "):
            release = label.split(" ", 1)[1]
            if was is not None:
                blueprint, version_from = _chart(was[1])
            if now is not None:
                blueprint, version_to = _chart(now[1])
            values += _value_changes(
                release,
                _release_values(was[1]) if was else {},
                _release_values(now[1]) if now else {},
                where,
            )
    return PromotionPlan(
        blueprint, version_from, version_to, tuple(objects), tuple(values), tuple(dependents)
    )


def _value_changes(
    release: str, old: dict[str, Any], new: dict[str, Any], where: Where | None
) -> list[ValueChange]:
    changes = []
    for key in sorted(set(old) | set(new)):
        was, now = old.get(key, _UNSET), new.get(key, _UNSET)
        if was != now:
            source = where(release, key) if where is not None and now is not _UNSET else None
            changes.append(ValueChange(release, key, was, now, source))
    return changes


def _shown(value: Any) -> str:
    if value is _UNSET:
        return "(unset)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if len(text) > _SHOWN_VALUE:
        text = text[: _SHOWN_VALUE - 3] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def render_plan(title: str, plan: PromotionPlan, gates: Sequence[GateResult] | None = None) -> str:
    """The pull request body: a plan a reviewer can decide from, then the gates."""
    lines = [f"## {title}", ""]
    if plan.version_from == plan.version_to:
        lines.append(f"Blueprint {plan.blueprint or '(none)'} {plan.version_to or ''}".rstrip())
    else:
        lines.append(
            f"Blueprint {plan.blueprint}: {plan.version_from or '(none)'} → "
            f"{plan.version_to or '(none)'}"
        )
    lines += ["", "### Objects", ""]
    if plan.empty:
        lines.append("No object changes.")
    else:
        lines += ["| Change | Object | File |", "|---|---|---|"]
        lines += [f"| {o.change} | {o.object} | `{o.path}` |" for o in plan.objects]
    if plan.values:
        lines += [
            "",
            "### Values",
            "",
            "| Release | Key | From | To | Set by |",
            "|---|---|---|---|---|",
        ]
        for v in plan.values:
            lines.append(
                f"| {v.release} | `{v.key}` | {_shown(v.old)} | {_shown(v.new)} | {v.where or ''} |"
            )
    lines += ["", "### Applications that depend on this one", ""]
    lines += [f"- {d}" for d in plan.dependents] or ["None."]
    if gates is not None:
        lines += ["", "### Gates", "", gate_table(gates).rstrip("\n")]
    lines += ["", f"Plan digest: `{plan.digest()}`", ""]
    return "\n".join(lines)
