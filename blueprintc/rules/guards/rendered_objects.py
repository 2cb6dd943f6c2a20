"""What a chart renders with each values set chart-testing would try, checked against
the schemas compile uses: worked out once per Blueprint for BPG012 and BPG013.

The values sets are the chart's defaults, each `ci/*values.yaml` of the chart (the
chart-testing convention, rendered one at a time as `ct lint` does) and each
`--values FILE` given to lint, then each of them with the custom APIs the chart's
templates test for, when they test for any (`asked_apis`). Every object of every
render is checked as compile checks what it emits (`blueprintc.validate.check_object`):
the Catalyst and Flux schemas blueprintc carries, kubernetes-validate's strict schemas
for the workspace's Kubernetes version (`kubernetesVersion`, `--kube-version`), then
the schemas of `schemaLocations` / `--schema-location`, then the CRDs the workspace's own
Blueprints ship (each catalog chart's `crds/` and its `file://` dependencies' `crds/`:
bp-cert-manager ships the Certificate that bp-cluster-issuers renders). An object of a
kind none of them describes is not checked, and said so (BPG013): kubeconform's
`-ignore-missing-schemas`, made visible, because a chart may render any CRD's objects.
Only its metadata is: every object has it, and the API server validates it for a custom
resource too (`validate.objects.check_metadata`).

An object of an API group Kubernetes itself serves (`apps`, `autoscaling`,
`networking.k8s.io`, as the version's definitions list them) whose apiVersion and kind
that version does not serve is an error, not an unchecked object: `autoscaling/v2beta2`
from 1.26, `policy/v1beta1` PodSecurityPolicy, the classic upgrade break (`no matches
for kind`).

An error found in several renders (most objects render the same with every values
set) is reported once, with the first values set that showed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from blueprintc.diagnostics import Location, one_line
from blueprintc.helm import Render, RenderedObject, RenderFailure
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.asked_apis import asked_apis, with_apis
from blueprintc.rules.guards.manifest_refusals import refused_manifests
from blueprintc.rules.guards.support import (
    chart_location,
    is_helm,
    is_object_list,
    renderable,
    stand_in_failure,
    usable_render,
    usable_values,
)
from blueprintc.rules.memo import remembered
from blueprintc.yaml_hints import syntax_hint
from blueprintc.yamldata import PyLoader
from blueprintc.yamldoc import YamlDoc, syntax_error

if TYPE_CHECKING:
    from blueprintc.validate.extra_schemas import ExtraSchemas
    from blueprintc.validate.objects import SchemaError
    from blueprintc.workspace import Workspace

DEFAULT = "default values"


@dataclass(frozen=True)
class ValuesSet:
    """One set of values to render with: where it came from and where to report a
    render that fails with it (None: the default render, BPG003's to report)."""

    label: str
    values: dict[str, Any] | None
    location: Location | None
    doc: YamlDoc | None = None  # a ci/ file's, for positions in it
    # The custom APIs the render answers yes for (`asked_apis`): none for the plain sets.
    api_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectError:
    obj: RenderedObject
    path: str
    message: str
    values: str  # the label of the first values set whose render showed it


@dataclass
class RenderedCheck:
    errors: list[ObjectError] = field(default_factory=list)
    failures: list[tuple[ValuesSet, RenderFailure]] = field(default_factory=list)
    # (apiVersion, kind) -> the objects of it, by (template, ordinal), no schema describes
    unchecked: dict[tuple[str, str], set[tuple[str, int]]] = field(default_factory=dict)


def rendered_check(ctx: BlueprintContext) -> RenderedCheck | None:
    """The renders' verdicts, once per Blueprint; None when the chart cannot render
    (not Helm, refused, or its dependencies absent: BPG003 and BPG011 say so)."""
    if not is_helm(ctx) or not renderable(ctx):
        return None
    return ctx.remember("rendered_check", lambda: _check(ctx))


def values_sets(ctx: BlueprintContext) -> list[ValuesSet]:
    """Defaults, then `ci/*values.yaml` by name, then lint's `--values` files in order,
    then, when the chart's templates test for custom APIs, each of them again with those
    APIs (`asked_apis`); listed once per Blueprint: several guards render each."""
    return list(ctx.remember("values_sets", lambda: _values_sets(ctx)))


def _values_sets(ctx: BlueprintContext) -> list[ValuesSet]:
    assert ctx.chart_dir is not None
    found = [ValuesSet(DEFAULT, None, None)]
    ci = ctx.chart_dir / "ci"
    for path in sorted(ci.glob("*values.yaml")) if ci.is_dir() else ():
        doc = ctx.load(path)
        location = Location(ctx.rel(path), 1, 1)
        label = f"ci/{path.name}"  # as chart-testing names it: the chart is the finding's
        values = doc.data if isinstance(doc.data, dict) else {}
        found.append(ValuesSet(label, values, location, doc))
    for label, values in ctx.values_files:
        found.append(ValuesSet(f"--values {label}", values, chart_location(ctx, ("name",))))
    apis = asked_apis(ctx)
    if apis:
        found += [
            replace(
                plain,
                label=with_apis("" if plain.label == DEFAULT else plain.label, apis),
                api_versions=apis,
            )
            for plain in found
        ]
    return found


class CheckedRender(NamedTuple):
    render: Render
    values: dict[str, Any] | None
    label: str  # the values set's, to name it by ("" for the render the guards check)
    api_versions: tuple[str, ...]  # what the render answers yes for (`asked_apis`)


def checked_renders(ctx: BlueprintContext) -> list[CheckedRender]:
    """The render the guards check (`usable_render`), then each other values set's that
    renders (a `ci/*values.yaml`, a `--values` file, each with the APIs the templates
    ask for when that changes what it renders): each with its values and the label to
    name it by. An object a value turns on, or an API a Sovereign serves, is installed
    wherever that value is set, as much as one of the defaults."""
    checked = usable_render(ctx)
    if checked is None:
        return []  # BPG003 or BPG011 says why
    found = [CheckedRender(checked, usable_values(ctx), "", ())]
    for values_set in values_sets(ctx):
        render = ctx.render(values_set.values, values_set.api_versions)
        if not render.ok or any(render is other.render for other in found):
            continue
        if values_set.api_versions and render.manifests == ctx.render(values_set.values).manifests:
            continue  # its gates were open already, or hide nothing with these values
        found.append(
            CheckedRender(render, values_set.values, values_set.label, values_set.api_versions)
        )
    return found


def _check(ctx: BlueprintContext) -> RenderedCheck:
    checker = _Checker(ctx)
    # A template whose text renders the same with another values set gives the very same
    # parsed object (helm.Render shares documents by text): checked once.
    checked: set[tuple[int, str, int]] = set()
    default: dict[str, str] = {}
    sets = values_sets(ctx)
    ctx.render_all([(s.values, s.api_versions) for s in sets])  # when the chart is slow
    for values_set in sets:
        render = ctx.render(values_set.values, values_set.api_versions)
        if render.failure is not None:
            if _reported_failure(ctx, values_set, render.failure):
                checker.result.failures.append((values_set, render.failure))
            continue
        if values_set.label == DEFAULT:
            default = render.manifests  # its output that is not YAML is BPG003's
        else:
            unparsable = refused_manifests(ctx, render, reported=default)
            checker.result.failures.extend((values_set, failure) for failure in unparsable)
        for obj in render.objects():
            if (id(obj.body), obj.template, obj.ordinal) not in checked:
                checked.add((id(obj.body), obj.template, obj.ordinal))
                checker.check(obj, obj.body, "", values_set.label)
    return checker.result


def _reported_failure(ctx: BlueprintContext, values_set: ValuesSet, failure: RenderFailure) -> bool:
    """Whether a values set's failed render is BPG012's: not the default render's
    (BPG003's), not one a stand-in for an unbuilt dependency caused (BPG011's), and, with
    the asked APIs, only when the same values render without them (else the plain
    render's failure is the one to report)."""
    if stand_in_failure(ctx, failure):
        return False
    if values_set.api_versions:
        return ctx.render(values_set.values).ok
    return values_set.location is not None


class _Checker:
    """The verdicts on one Blueprint's rendered objects, errors kept once each."""

    def __init__(self, ctx: BlueprintContext) -> None:
        self.ctx = ctx
        self.version = ctx.workspace.kubernetes_version
        self.extra: ExtraSchemas | None = None  # read when a kind first needs it
        self.result = RenderedCheck()
        self.seen: set[tuple[str, int, str, str]] = set()

    def check(self, obj: RenderedObject, body: Any, prefix: str, label: str) -> None:
        """`body` (the rendered object, or an item of a `List` it renders at `prefix`)."""
        from blueprintc.validate.kubernetes import served_groups
        from blueprintc.validate.objects import (
            SchemaError,
            check_metadata,
            check_object,
            has_schema,
        )

        if is_object_list(body):  # Helm applies a List's items, each an object of its own
            for index, item in enumerate(body["items"]):
                self.check(obj, item, f"{prefix}items[{index}].", label)
            return
        api_version = body.get("apiVersion") if isinstance(body, dict) else None
        kind = body.get("kind") if isinstance(body, dict) else None
        if isinstance(api_version, str) and isinstance(kind, str) and api_version and kind:
            known = has_schema(api_version, kind, self.version)
            if not known:
                self.extra = self.extra or extra_schemas(self.ctx)
                known = self.extra.schema(api_version, kind) is not None
            if not known and api_version.rpartition("/")[0] in served_groups(self.version):
                message = _not_served(api_version, kind, self.version)
                self._add(obj, SchemaError("apiVersion", message), prefix, label)
                return
            if not known:  # its metadata only, which every kind has (BPG013 says so)
                objects = self.result.unchecked.setdefault((api_version, kind), set())
                objects.add((obj.template, obj.ordinal))
                for error in check_metadata(body):
                    self._add(obj, error, prefix, label)
                return
        for error in check_object(body, kubernetes_version=self.version, extra=self.extra):
            self._add(obj, error, prefix, label)

    def _add(self, obj: RenderedObject, error: SchemaError, prefix: str, label: str) -> None:
        path = f"{prefix}{error.path}" if error.path else prefix.rstrip(".")
        mark = (obj.template, obj.ordinal, path, error.message)
        if mark not in self.seen:
            self.seen.add(mark)
            self.result.errors.append(ObjectError(obj, path, error.message, label))


def extra_schemas(ctx: BlueprintContext) -> ExtraSchemas:
    """The schemas of `schemaLocations` / `--schema-location`, then of the CRDs the
    workspace's Blueprints ship (read once per lint run, when a kind needs them)."""
    from blueprintc.validate.extra_schemas import load_locations

    workspace = ctx.workspace
    return remembered(
        workspace.memo,
        "rendered_extra_schemas",
        lambda: load_locations((*workspace.schema_locations, *shipped_crd_dirs(workspace))),
    )


def shipped_crd_dirs(workspace: Workspace) -> list[Path]:
    """The `crds/` directories of the catalog's charts and of their `file://` dependencies
    (vendored upstreams), in catalog order; one whose files are not all readable CRDs is
    left out (that chart's own lint says what is wrong with it). Each `blueprint.yaml` and
    `Chart.yaml` is read with the plain loader, only for where the chart and its
    dependencies are, and again only when it changed (`plain_mapping`)."""
    from blueprintc.chartsources import local_chart_sources, plain_mapping
    from blueprintc.model.blueprint import chart_directory
    from blueprintc.validate.extra_schemas import SchemaLocationError, load_locations
    from blueprintc.workspace import BLUEPRINT_FILE, discover

    found: list[Path] = []
    for directory in discover([], workspace, empty_ok=True):
        spec = _mapping(plain_mapping(directory / BLUEPRINT_FILE, workspace.root).get("spec"))
        chart = chart_directory(spec, directory)
        for source in [chart, *local_chart_sources(chart)] if chart else []:
            crds = source / "crds"
            if crds in found or not crds.is_dir():
                continue
            if not workspace.real(crds).is_relative_to(workspace.root):
                continue  # never read outside the workspace (BPI006 says so)
            try:
                load_locations((crds,))
            except SchemaLocationError:
                continue
            found.append(crds)
    return found


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _not_served(api_version: str, kind: str, version: str) -> str:
    return (
        f"Kubernetes {version} does not serve {kind} in {api_version} (removed, or not yet "
        "added): use the apiVersion that version serves"
    )


def read_values_file(path: Path) -> dict[str, Any]:
    """A `--values` file as Helm takes it: a YAML mapping (empty: no values).
    Raises ValueError naming the file and what is wrong."""
    import yaml

    try:
        text = path.read_text("utf-8")
        data = yaml.load(text, Loader=PyLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        line, column, problem = syntax_error(exc)
        fix = syntax_hint(exc, text)
        raise ValueError(f"{path}:{line}:{column} is not YAML: {problem}; {fix}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not YAML: {one_line(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a mapping of values (a {type(data).__name__})")
    return data
