"""The Blueprint dependency graph: a stable order, reach in both directions, errors as values.

Input is already filtered: the caller drops edges whose `when` predicate is
false for the Sovereign or Application at hand, so the graph stays pure. Every
error carries back the opaque `location` of the edge that caused it.

Nodes are the keys of `edges` plus every target that exists (is a key of
`edges` or of `available`). `available` lists every version the workspace
and the catalog offer per Blueprint, the workspace's own version included.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from blueprintc.plan.versions import (
    RangeError,
    Version,
    VersionError,
    VersionRange,
    parse_range,
    parse_version,
)


@dataclass(frozen=True)
class Edge:
    target: str
    range: str | None = None
    when: str | None = None
    location: Any = None


@dataclass(frozen=True)
class CycleError:
    """One cycle per strongly connected component: the shortest through its first name."""

    path: tuple[str, ...]  # (a, b, c, a)
    edge_location: Any  # the edge that closes the cycle: path[-2] -> path[-1]

    @property
    def location(self) -> Any:
        return self.edge_location

    @property
    def message(self) -> str:
        return "dependency cycle: " + " -> ".join(self.path)


@dataclass(frozen=True)
class MissingDependency:
    source: str
    target: str
    location: Any

    @property
    def message(self) -> str:
        return f"{self.source} depends on {self.target}, which is in neither workspace nor catalog"


@dataclass(frozen=True)
class Unsatisfiable:
    source: str
    target: str
    range: str
    available: tuple[str, ...]
    location: Any

    @property
    def message(self) -> str:
        have = ", ".join(self.available) or "none"
        return f"{self.source} needs {self.target} {self.range}: no version matches (have: {have})"


@dataclass(frozen=True)
class BadRange:
    source: str
    target: str
    range: str
    message: str
    location: Any


@dataclass(frozen=True)
class Requirement:
    source: str
    range: str
    location: Any


@dataclass(frozen=True)
class VersionConflict:
    """Each range alone matches a version, but no version matches them all."""

    target: str
    requirements: tuple[Requirement, ...]
    available: tuple[str, ...]

    @property
    def location(self) -> Any:
        return self.requirements[0].location

    @property
    def message(self) -> str:
        wants = ", ".join(f"{r.source} needs {r.range}" for r in self.requirements)
        return f"no version of {self.target} satisfies every dependent ({wants})"


GraphError = CycleError | MissingDependency | Unsatisfiable | BadRange | VersionConflict


@dataclass(frozen=True)
class Graph:
    nodes: tuple[str, ...]
    errors: tuple[GraphError, ...]
    _deps: dict[str, tuple[str, ...]] = field(repr=False)
    _users: dict[str, tuple[str, ...]] = field(repr=False)
    _order: tuple[str, ...] = field(repr=False)
    _versions: dict[str, str | None] = field(repr=False)

    def order(self) -> list[str]:
        """Dependencies first; ties by name. With cycles, every node still appears once."""
        return list(self._order)

    def dependencies(self, name: str, transitive: bool = True) -> list[str]:
        """What `name` needs (directly, or all the way down), in `order()`."""
        return self._reach(name, self._deps, transitive)

    def dependents(self, name: str, transitive: bool = True) -> list[str]:
        """What needs `name`: what must rebuild when it changes, in `order()`."""
        return self._reach(name, self._users, transitive)

    def version(self, name: str) -> str | None:
        """The highest available version inside every incoming range (any release if none)."""
        self._check(name)
        return self._versions.get(name)

    def _check(self, name: str) -> None:
        if name not in self._deps:
            raise KeyError(f"{name!r} is not a node of the dependency graph")

    def _reach(self, name: str, table: dict[str, tuple[str, ...]], transitive: bool) -> list[str]:
        self._check(name)
        found = set(table[name]) if not transitive else _reachable(table, name)
        found.discard(name)
        return [node for node in self._order if node in found]


def build_graph(
    edges: Mapping[str, Sequence[Edge]], available: Mapping[str, Iterable[str]] | None = None
) -> Graph:
    versions = {name: _sorted_versions(texts) for name, texts in (available or {}).items()}
    errors: list[GraphError] = []
    deps: dict[str, set[str]] = {name: set() for name in edges}
    closing: dict[tuple[str, str], Any] = {}
    wanted: dict[str, list[tuple[Requirement, VersionRange]]] = {}
    for source in sorted(edges):
        for edge in edges[source]:
            if edge.target not in edges and edge.target not in versions:
                errors.append(MissingDependency(source, edge.target, edge.location))
                continue
            deps[source].add(edge.target)
            deps.setdefault(edge.target, set())
            closing.setdefault((source, edge.target), edge.location)
            if edge.range is None:
                continue
            try:
                parsed = parse_range(edge.range)
            except RangeError as error:
                errors.append(
                    BadRange(source, edge.target, edge.range, error.message, edge.location)
                )
                continue
            have = versions.get(edge.target, ())
            if not any(parsed.contains(v) for v in have):
                texts = tuple(str(v) for v in have)
                errors.append(Unsatisfiable(source, edge.target, edge.range, texts, edge.location))
                continue
            wanted.setdefault(edge.target, []).append(
                (Requirement(source, edge.range, edge.location), parsed)
            )
    chosen = {name: _choose(name, versions.get(name, ()), wanted, errors) for name in deps}
    table = {name: tuple(sorted(targets)) for name, targets in deps.items()}
    users: dict[str, list[str]] = {name: [] for name in table}
    for name, targets in table.items():
        for target in targets:
            users[target].append(name)
    component = _components(table)
    errors += _cycles(table, component, closing)
    return Graph(
        nodes=tuple(sorted(table)),
        errors=tuple(errors),
        _deps=table,
        _users={name: tuple(sorted(names)) for name, names in users.items()},
        _order=_topological(table, component),
        _versions=chosen,
    )


def _sorted_versions(texts: Iterable[str]) -> tuple[Version, ...]:
    parsed = []
    for text in texts:
        try:
            parsed.append(parse_version(text))
        except VersionError:
            continue  # a catalog entry that is not SemVer can never be chosen
    return tuple(sorted(parsed, key=lambda v: (v, str(v))))


def _choose(
    name: str,
    have: tuple[Version, ...],
    wanted: dict[str, list[tuple[Requirement, VersionRange]]],
    errors: list[GraphError],
) -> str | None:
    ranges = wanted.get(name)
    if not ranges:
        releases = [v for v in have if not v.prerelease]
        return str(releases[-1]) if releases else None
    fitting = [v for v in have if all(r.contains(v) for _, r in ranges)]
    if fitting:
        return str(fitting[-1])
    texts = tuple(str(v) for v in have)
    errors.append(VersionConflict(name, tuple(req for req, _ in ranges), texts))
    return None


def _reachable(table: Mapping[str, Sequence[str]], start: str) -> set[str]:
    """Nodes reachable from `start` by one edge or more (so `start` only if on a cycle)."""
    seen: set[str] = set()
    queue = deque(table[start])
    while queue:
        node = queue.popleft()
        if node not in seen:
            seen.add(node)
            queue.extend(table[node])
    return seen


def _components(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each node's strongly connected component, named by its first member."""
    reach = {name: _reachable(table, name) for name in table}
    component: dict[str, str] = {}
    for name in sorted(table):
        if name not in component:
            for member in {name} | {n for n in reach[name] if name in reach[n]}:
                component[member] = name
    return component


def _topological(table: dict[str, tuple[str, ...]], component: dict[str, str]) -> tuple[str, ...]:
    """Kahn's algorithm over the components with a min-heap, so ties come out by name.

    Without cycles every component is one node. A cycle's members come out
    together, by name, after everything the cycle needs.
    """
    members: dict[str, list[str]] = {}
    for name in sorted(table):
        members.setdefault(component[name], []).append(name)
    needs = {c: {component[t] for m in ms for t in table[m]} - {c} for c, ms in members.items()}
    needed_by: dict[str, list[str]] = {c: [] for c in members}
    for c, targets in needs.items():
        for target in targets:
            needed_by[target].append(c)
    waiting = {c: len(targets) for c, targets in needs.items()}
    ready = [c for c, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        c = heapq.heappop(ready)
        order += members[c]
        for user in needed_by[c]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    return tuple(order)


def _cycles(
    table: dict[str, tuple[str, ...]],
    component: dict[str, str],
    closing: dict[tuple[str, str], Any],
) -> list[CycleError]:
    found = []
    for start in sorted(set(component.values())):
        inside = {name for name, c in component.items() if c == start}
        if len(inside) > 1 or start in table[start]:
            path = _shortest_cycle(table, start, inside)
            found.append(CycleError(path, closing[(path[-2], path[-1])]))
    return found


def _shortest_cycle(
    table: dict[str, tuple[str, ...]], start: str, component: set[str]
) -> tuple[str, ...]:
    """Breadth-first from `start` back to itself, neighbours by name: the same path every run."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in table[node]:
            if target == start:
                path = [start, node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return tuple(reversed(path))
            if target in component and target not in parent:
                parent[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is on no cycle")  # pragma: no cover


def slots(order: Sequence[str]) -> dict[str, int]:
    """Slot numbers 0, 1, 2, ... in `order`; format them with `slot_prefix`."""
    numbered = {name: index for index, name in enumerate(order)}
    if len(numbered) != len(order):
        raise ValueError("a name appears twice in the order")
    return numbered


def levels(
    order: Sequence[str], depends: dict[str, list[str]], fixed: dict[str, int] | None = None
) -> dict[str, int]:
    """Each name's depth in the dependency graph: 0 with no dependency, else one more
    than its deepest dependency (``order``: dependencies first), or its ``fixed`` level.
    A kit file's slot: an added entry renumbers no other, unless it becomes one of
    their dependencies."""
    level: dict[str, int] = {}
    for name in order:
        if fixed and name in fixed:
            level[name] = fixed[name]
            continue
        below = [level[d] for d in depends.get(name, []) if d in level]
        level[name] = 1 + max(below) if below else 0
    return level


def slot_prefix(slot: int, count: int) -> str:
    """`NN`: two digits, wider for every file of a kit of more than 100 (`000` ... `120`).

    One width per kit keeps the file names sorting in slot order.
    """
    width = max(2, len(str(max(count - 1, 0))))
    return f"{slot:0{width}d}"
