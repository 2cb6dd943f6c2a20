"""What a render gives that Helm or Flux's helm-controller then refuses to install, or
Helm drops, though Helm's template engine (the SDK's render) passes it. Each is a
`RenderFailure` at the template line that made it, which BPG003 reports for the default
render, BPG012 for a ci/ or `--values` render and BPG005 for a render with a toggle on:

- a template whose output is not YAML (`env: {{ .Values.org }}-{{ .Values.type }}` with
  both values unset renders `env: -`), or holds a document that is no object: a
  `{{ required "..." .Values.who }}` line on its own prints the value as a document
  (helm/helm#5550), a `toYaml` of a list of extra objects prints one list. Helm reads
  every rendered file but NOTES.txt as manifests, whatever its name (a file copied
  into templates/ by mistake: `YAML parse error on ...`), and refuses these at render
  time: `cannot unmarshal string into Go value of type releaseutil.SimpleHead`;
- a Kustomize file (a `kustomization.yaml` in a templates/ directory that is also a
  kustomize base, not in .helmignore): Helm renders it as an object of a kind no API
  server serves and refuses the release (`no matches for kind "Kustomization"`);
- a mapping that gives a key twice (a literal `resources:` and a helper's, a helper
  included twice, a line pasted twice): `helm install` keeps the last value, but
  helm-controller always post-renders the manifests (its origin labels) with kustomize,
  whose YAML reader refuses the document: `mapping key "resources" already defined`.
  Real releases failed on it (bitwarden's, memphis', kubeapps' and neo4j's charts);
- an object annotated as a hook of an event Helm does not know, which Helm never
  installs, or with a delete policy Helm does not know, which fails the next run
  (`hook_annotations`);
- the same object twice in the release (same apiVersion, kind, namespace and name: a
  Secret both a chart and its subchart make), which kustomize refuses too: `may not add
  resource with an already registered id`. Hooks are left out: Helm 4 post-renders them
  apart from the release's objects, and a hook may be the same object as one of them;
- a container's env var or port given twice, which server-side apply refuses
  (`apply_keys`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from blueprintc import yamldata
from blueprintc.helm import (
    DOCUMENT_SEPARATOR,
    Render,
    RenderedObject,
    RenderFailure,
    chart_relative,
)
from blueprintc.kustomize_files import is_kustomize_file
from blueprintc.owned_objects import is_hook
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.apply_keys import duplicate_apply_keys
from blueprintc.rules.guards.hook_annotations import unknown_delete_policies, unknown_hooks
from blueprintc.rules.guards.object_sources import template_position
from blueprintc.rules.guards.template_indent import misindented_block

NOT_YAML_HINT = (
    "quote the value (`{{ .Values.x | quote }}`) or give it a default, so every rendered "
    "line is YAML"
)
NON_OBJECT_HINT = (
    "render only objects: keep a check's value out of the output (`{{- $_ := required "
    '"..." .Values.x }}`), and give each of a list\'s objects a document of its own '
    "(`{{- range .Values.extraObjects }}` `---` `{{ toYaml . }}` `{{- end }}`)"
)
DUPLICATE_KEY_HINT = (
    "write each key once: remove the repeated line or, where two helpers or a `toYaml` of "
    "values write it, include only one of them (`helm create`'s `labels` helper already "
    "holds `selectorLabels`) or render one under `{{- if }}` ... `{{- else }}`"
)
DUPLICATE_OBJECT_HINT = (
    "render each object once: give one of the two a name of its own, or render it from "
    "one template only (an `if` around the other)"
)
REFUSED_BY_FLUX = "Flux's helm-controller refuses the release (its post-renderer, kustomize, "


def refused_manifests(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None = None
) -> list[RenderFailure]:
    """What the render gives that Helm or Flux refuses to install, or Helm drops (see the
    module docstring): output that is not YAML or no object, a hook Helm does not know, a
    key twice in a mapping, an object twice. A template whose output is the same as in
    `reported` (another render's manifests, reported there) is left out; so is an object
    twice when both of its templates are."""
    if reported is not None and all(
        _reported(render, t, reported) for t in render.manifest_files()
    ):
        return []  # the very manifests of the reported render (a toggle that changes nothing)
    fresh = [o for o in render.objects() if not _reported(render, o.template, reported)]
    return [
        *_not_yaml(ctx, render, reported),
        *_non_objects(ctx, render, reported),
        *_kustomize_files(ctx, render, reported),
        *unknown_hooks(ctx, fresh),
        *unknown_delete_policies(ctx, fresh),
        *_duplicate_keys(ctx, render, reported),
        *_duplicate_objects(ctx, render, reported),
        *duplicate_apply_keys(ctx, fresh),
    ]


def _not_yaml(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None
) -> list[RenderFailure]:
    """The render's templates whose output is not YAML (`helm template` refuses such a
    render), each a failure at the template line that made the bad output line
    (`_source_position`). The message names the template (chart-relative) and quotes
    the bad line."""
    found = []
    for template, error in render.not_yaml():
        if _reported(render, template, reported):
            continue
        mark = getattr(error, "problem_mark", None)
        at = mark.line + 1 if mark is not None else 1
        lines = render.manifests[template].splitlines()
        made = lines[at - 1] if 0 < at <= len(lines) else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        name = chart_relative(template)
        source = ctx.template_source(name)
        line, column = _source_position(source.lines, made, at) if source else (1, 1)
        message = (
            f"{name} is not YAML ({problem} at line {at} of its output, `{made.strip()}`): "
            "Helm refuses to install it"
        )
        hint = NOT_YAML_HINT if _is_yaml_file(name) else _not_a_manifest_hint(name)
        block = misindented_block(source.lines, max(line, at)) if source else None
        if block is not None and _is_yaml_file(name):  # the usual cause: said at its line
            line, column, hint = block.line, block.column, block.hint
        found.append(RenderFailure(message, name, line, column, False, hint))
    return found


def _parsed_files(
    render: Render, reported: Mapping[str, str] | None
) -> Iterator[tuple[str, list[Any]]]:
    """Each manifest file of the render that is YAML (`_not_yaml` has the others) and not
    reported already, with its documents."""
    for template in render.manifest_files():
        if _reported(render, template, reported):
            continue
        try:
            documents = render.documents(template)
        except yaml.YAMLError:
            continue
        yield template, documents


def _non_objects(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None
) -> list[RenderFailure]:
    """Each manifest file with a document that is no object (a text, a list, a number),
    at the template line that wrote the first such document's first line."""
    found = []
    for template, documents in _parsed_files(render, reported):
        if all(document is None or isinstance(document, dict) for document in documents):
            continue
        output = render.manifests[template].splitlines()
        at, document = _first_non_object(output)
        name = chart_relative(template)
        source = ctx.template_source(name)
        line, column = _source_position(source.lines, output[at], at + 1) if source else (1, 1)
        what = _GO_TYPES.get(type(document), "string")
        shown = f" (`{output[at].strip()}`)" if what != "array" else ""
        message = (
            f"{name} renders a document that is {_WORDS[what]}{shown} at line {at + 1} of "
            f"its output, not an object: Helm refuses the render (`YAML parse error on "
            f"{name}: ... cannot unmarshal {what} into Go value of type "
            "releaseutil.SimpleHead`)"
        )
        hint = NON_OBJECT_HINT if _is_yaml_file(name) else _not_a_manifest_hint(name)
        found.append(RenderFailure(message, name, line, column, False, hint))
    return found


def _kustomize_files(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None
) -> list[RenderFailure]:
    """Each manifest file that renders a Kustomize file (a chart directory that is also a
    kustomize base for some cluster, its `kustomization.yaml` not in .helmignore), at its
    `kind:` line. Its other checks would lead the wrong way: the platform's repository
    gave its Kustomization a `metadata.name` to please Helm, then deleted it, and broke
    the Flux Kustomization that built the directory (openova-io/openova#246, #302)."""
    found = []
    for template, documents in _parsed_files(render, reported):
        body = next((d for d in documents if is_kustomize_file(d)), None)
        if body is None:
            continue
        name = chart_relative(template)
        kind, api_version = body.get("kind"), body.get("apiVersion")
        line, column = template_position(ctx, RenderedObject(template, 0, body))
        message = (
            f"{name} is a Kustomize file, which Helm renders as an object of kind {kind} "
            f"({api_version}): no API server serves it, so Helm refuses the release "
            f'(`no matches for kind "{kind}" in version "{api_version}"`)'
        )
        hint = (
            f"add `{name}` to the chart's .helmignore: kustomize still builds the "
            "directory, and Helm neither renders nor packages the file"
        )
        found.append(RenderFailure(message, name, line, column, False, hint))
    return found


_GO_TYPES: dict[type, str] = {list: "array", bool: "bool", int: "number", float: "number"}
_WORDS = {"array": "a list", "bool": "a boolean", "number": "a number", "string": "text"}


def _first_non_object(output: list[str]) -> tuple[int, Any]:
    """The first line (0-based) of the output's first document that is no object, with
    that document's data; documents split as Helm splits them, on lines that start with
    `---`."""
    starts = [0, *(i + 1 for i, line in enumerate(output) if DOCUMENT_SEPARATOR.match(line))]
    ends = [*(start - 1 for start in starts[1:]), len(output)]
    for start, end in zip(starts, ends, strict=True):
        chunk = output[start:end]
        documents = yamldata.load_all("\n".join(chunk), kubernetes=True) if chunk else []
        document = documents[0] if documents else None
        if document is not None and not isinstance(document, dict):
            first = next(i for i, line in enumerate(chunk) if _is_content(line))
            return start + first, document
    return 0, None


def _is_yaml_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


def _not_a_manifest_hint(name: str) -> str:
    base = name.rpartition("/")[2]
    return (
        f"move {base} out of templates/ (a template reads it with `.Files.Get`), or name "
        f"it _{base} if it only defines helpers: Helm reads every other file there as "
        "Kubernetes manifests"
    )


def _duplicate_keys(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None
) -> list[RenderFailure]:
    """Each mapping of the render's output that gives a key twice, at the template line
    that wrote the first repeated key (`_key_position`)."""
    found = []
    for template, duplicate in render.duplicate_keys():
        if _reported(render, template, reported):
            continue
        output = render.manifests[template].splitlines()
        name = chart_relative(template)
        source = ctx.template_source(name)
        at = duplicate.line + 1
        line, column = _key_position(source.lines, output, duplicate.line) if source else (1, 1)
        keys = duplicate.keys
        named = ", ".join(f"`{key}`" for key in keys)
        message = (
            f"{name} gives the key{'s' if len(keys) > 1 else ''} {named} twice in one "
            f"mapping (`{keys[0]}` at lines {duplicate.first_line + 1} and {at} of its "
            f'output): {REFUSED_BY_FLUX}reads it strictly: `mapping key "{keys[0]}" '
            "already defined`), where `helm install` keeps the last value"
        )
        found.append(RenderFailure(message, name, line, column, False, DUPLICATE_KEY_HINT))
    return found


def _duplicate_objects(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None
) -> list[RenderFailure]:
    """Each object the render gives again (not a hook), at the second one's `kind:`."""
    first: dict[tuple[str, str, str, str], RenderedObject] = {}
    found = []
    for obj in render.objects():
        identity = release_identity(obj)
        if identity is None:
            continue
        earlier = first.setdefault(identity, obj)
        if earlier is obj or all(_reported(render, o.template, reported) for o in (earlier, obj)):
            continue
        name = chart_relative(obj.template)
        other = chart_relative(earlier.template)
        namespace = identity[2] if identity[2] != "default" else ""
        what = f"{obj.kind} {namespace}{'/' if namespace else ''}{obj.name}"
        again = "twice" if other == name else f"as {other} does"
        message = (
            f"{name} renders {what} {again}: {REFUSED_BY_FLUX}reads the release's objects: "
            "`may not add resource with an already registered id`)"
        )
        line, column = template_position(ctx, obj)
        found.append(RenderFailure(message, name, line, column, False, DUPLICATE_OBJECT_HINT))
    return found


def release_identity(obj: RenderedObject) -> tuple[str, str, str, str] | None:
    """What kustomize tells objects apart by (apiVersion, kind, namespace with `default`
    for none, name); None for a hook, a list or an object without a name."""
    body = obj.body
    metadata = body.get("metadata")
    if not isinstance(metadata, dict):
        return None
    name, kind = metadata.get("name"), body.get("kind")
    if not isinstance(name, str) or not name or not isinstance(kind, str) or kind.endswith("List"):
        return None
    if is_hook(metadata):
        return None
    namespace = metadata.get("namespace")
    return (str(body.get("apiVersion", "")), kind, str(namespace or "default"), name)


def _reported(render: Render, template: str, reported: Mapping[str, str] | None) -> bool:
    return reported is not None and reported.get(template) == render.manifests[template]


def _source_position(lines: list[str], made: str, near: int) -> tuple[int, int]:
    """Where the template wrote the output line `made` (`_writers`), the one nearest
    `near` if several did; else `near`, 1."""
    candidates = _writers(lines, made)
    if candidates:
        return min(candidates, key=lambda found: abs(found[0] - near))
    return (near if 0 < near <= len(lines) else 1), 1


def _key_position(lines: list[str], output: list[str], index: int) -> tuple[int, int]:
    """Where the template wrote the key on `output[index]`, else the mapping (or list
    item) that holds it, else the one holding that, ...: a key a helper or `toYaml`
    writes is reported at the nearest key of its path that the template writes itself."""
    at = index
    while True:
        candidates = _writers(lines, output[at])
        if candidates:
            return min(candidates, key=lambda found: abs(found[0] - at - 1))
        indent = _indent(output[at])
        above = (i for i in range(at - 1, -1, -1) if _is_content(output[i]))
        parent = next((i for i in above if _indent(output[i]) < indent), None)
        if parent is None:
            return _source_position(lines, output[index], index + 1)
        at = parent


def _writers(lines: list[str], made: str) -> list[tuple[int, int]]:
    """The template lines (number, column) that can have written the output line
    `made`: one whose literal text before its first `{{` begins it (at that `{{`), or,
    with no `{{`, that is the very line (at its first character)."""
    found = [
        (number, len(literal) + 1)
        for number, line in enumerate(lines, 1)
        if "{{" in line and (literal := line.split("{{", 1)[0]).strip() and made.startswith(literal)
    ]
    if made.strip():
        found += [
            (number, _indent(line) + 1)
            for number, line in enumerate(lines, 1)
            if "{{" not in line and line.rstrip() == made.rstrip()
        ]
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")
