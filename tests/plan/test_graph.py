from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blueprintc.plan.graph import (
    BadRange,
    CycleError,
    Edge,
    MissingDependency,
    Unsatisfiable,
    VersionConflict,
    build_graph,
    slot_prefix,
    slots,
)

# bp-gitea needs postgres and cert-manager; postgres needs the operator; all need flux.
KIT = {
    "flux": [],
    "cert-manager": [Edge("flux")],
    "cnpg": [Edge("flux")],
    "postgres": [Edge("cnpg", "^1.4", location="postgres#0"), Edge("flux")],
    "gitea": [Edge("postgres", "~16.2"), Edge("cert-manager"), Edge("flux")],
    "alerts": [],
}
AVAILABLE = {
    "flux": ["2.3.0"],
    "cert-manager": ["1.14.0", "1.15.0-rc.1"],
    "cnpg": ["1.3.0", "1.4.2", "1.5.0", "2.0.0"],
    "postgres": ["16.1.0", "16.2.3", "16.2.9", "17.0.0"],
    "gitea": ["10.0.0"],
}


def test_order_puts_dependencies_first_and_breaks_ties_by_name() -> None:
    graph = build_graph(KIT, AVAILABLE)
    assert graph.errors == ()
    assert graph.order() == ["alerts", "flux", "cert-manager", "cnpg", "postgres", "gitea"]


def test_order_does_not_depend_on_input_order() -> None:
    expected = build_graph(KIT, AVAILABLE).order()
    rng = random.Random(7)
    for _ in range(50):
        names = list(KIT)
        rng.shuffle(names)
        shuffled = {name: rng.sample(KIT[name], len(KIT[name])) for name in names}
        assert build_graph(shuffled, AVAILABLE).order() == expected


def test_dependencies_and_dependents() -> None:
    graph = build_graph(KIT, AVAILABLE)
    assert graph.dependencies("gitea") == ["flux", "cert-manager", "cnpg", "postgres"]
    assert graph.dependencies("gitea", transitive=False) == ["flux", "cert-manager", "postgres"]
    assert graph.dependents("cnpg") == ["postgres", "gitea"]
    assert graph.dependents("cnpg", transitive=False) == ["postgres"]
    assert graph.dependents("flux") == ["cert-manager", "cnpg", "postgres", "gitea"]
    assert graph.dependents("alerts") == []
    with pytest.raises(KeyError, match="'nope' is not a node"):
        graph.dependents("nope")


def test_versions_are_resolved_within_every_incoming_range() -> None:
    graph = build_graph(KIT, AVAILABLE)
    assert graph.version("cnpg") == "1.5.0"
    assert graph.version("postgres") == "16.2.9"
    assert graph.version("cert-manager") == "1.14.0"  # no range: highest release, no rc
    assert graph.version("alerts") is None  # nothing available


def test_cycle_reports_full_path_and_closing_edge() -> None:
    edges = {
        "a": [Edge("b", location="a->b")],
        "b": [Edge("c", location="b->c")],
        "c": [Edge("a", location="c->a"), Edge("d", location="c->d")],
        "d": [],
        "e": [Edge("a", location="e->a")],
    }
    graph = build_graph(edges)
    assert graph.errors == (CycleError(("a", "b", "c", "a"), "c->a"),)
    assert graph.errors[0].message == "dependency cycle: a -> b -> c -> a"
    # every node still appears once; the cycle comes after what it needs, before its users
    assert graph.order() == ["d", "a", "b", "c", "e"]
    assert graph.dependencies("a") == ["d", "b", "c"]


def test_self_dependency_and_two_cycles() -> None:
    edges = {
        "x": [Edge("x", location="x->x")],
        "p": [Edge("q", location="p->q")],
        "q": [Edge("p", location="q->p")],
    }
    errors = build_graph(edges).errors
    assert errors == (
        CycleError(("p", "q", "p"), "q->p"),
        CycleError(("x", "x"), "x->x"),
    )


def test_shortest_cycle_through_the_first_name() -> None:
    edges = {
        "a": [Edge("z"), Edge("b")],
        "b": [Edge("a", location="b->a")],
        "z": [Edge("y")],
        "y": [Edge("a", location="y->a")],
    }
    assert build_graph(edges).errors == (CycleError(("a", "b", "a"), "b->a"),)


def test_missing_bad_range_unsatisfiable_conflict() -> None:
    edges = {
        "app": [
            Edge("ghost", location=1),
            Edge("db", "^9", location=2),
            Edge("db", ">=1 <<2", location=3),
            Edge("cache", "^1.0", location=4),
        ],
        "other": [Edge("cache", "^2", location=5)],
        "db": [],
    }
    available = {"db": ["1.0.0", "1.1.0"], "cache": ["1.2.0", "2.0.0"]}
    graph = build_graph(edges, available)
    missing, unsat, bad, conflict = graph.errors
    assert missing == MissingDependency("app", "ghost", 1)
    assert unsat == Unsatisfiable("app", "db", "^9", ("1.0.0", "1.1.0"), 2)
    assert "have: 1.0.0, 1.1.0" in unsat.message
    assert isinstance(bad, BadRange) and bad.location == 3 and "'<<2'" in bad.message
    assert isinstance(conflict, VersionConflict) and conflict.target == "cache"
    assert [r.source for r in conflict.requirements] == ["app", "other"]
    assert conflict.location == 4
    assert graph.version("cache") is None
    # the edges with bad ranges still order the graph; the missing one is dropped
    assert graph.order() == ["cache", "db", "app", "other"]
    assert "ghost" not in graph.nodes


def test_catalog_only_targets_are_nodes() -> None:
    graph = build_graph({"app": [Edge("bp-remote", "^1")]}, {"bp-remote": ["1.0.0"]})
    assert graph.errors == ()
    assert graph.order() == ["bp-remote", "app"]
    assert graph.version("bp-remote") == "1.0.0"


def test_range_against_a_target_with_no_versions() -> None:
    graph = build_graph({"a": [Edge("b", "^1")], "b": []})
    assert graph.errors == (Unsatisfiable("a", "b", "^1", (), None),)
    assert "have: none" in graph.errors[0].message


def test_slots() -> None:
    order = build_graph(KIT, AVAILABLE).order()
    numbered = slots(order)
    assert numbered["alerts"] == 0 and numbered["gitea"] == 5
    assert [slot_prefix(numbered[n], len(order)) for n in order[:2]] == ["00", "01"]
    assert slot_prefix(7, 100) == "07"
    assert slot_prefix(7, 101) == "007"
    assert slot_prefix(120, 121) == "120"
    names = [f"n{i}" for i in range(150)]
    prefixes = [slot_prefix(s, len(names)) for s in slots(names).values()]
    assert prefixes == sorted(prefixes)
    with pytest.raises(ValueError, match="twice"):
        slots(["a", "a"])


# --- properties -------------------------------------------------------------

NAMES = [f"bp-{c}" for c in "abcdefghij"]


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool) -> dict[str, list[Edge]]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=10, unique=True))
    edges: dict[str, list[Edge]] = {}
    for i, name in enumerate(names):
        pool = names[:i] if acyclic else names
        targets = draw(st.lists(st.sampled_from(pool), max_size=4)) if pool else []
        edges[name] = [Edge(t, location=(name, t)) for t in targets]
    return edges


@given(graphs(acyclic=True), st.randoms())
def test_dag_order_respects_every_edge_and_ignores_input_order(
    edges: dict[str, list[Edge]], rng: random.Random
) -> None:
    graph = build_graph(edges)
    assert graph.errors == ()
    order = graph.order()
    assert sorted(order) == sorted(edges)
    position = {name: i for i, name in enumerate(order)}
    for source, targets in edges.items():
        assert all(position[e.target] < position[source] for e in targets)
    names = list(edges)
    rng.shuffle(names)
    assert build_graph({n: list(reversed(edges[n])) for n in names}).order() == order


@given(graphs(acyclic=False))
def test_cycles_are_real_and_order_is_complete(edges: dict[str, list[Edge]]) -> None:
    graph = build_graph(edges)
    order = graph.order()
    assert sorted(order) == sorted(edges) and len(set(order)) == len(order)
    for error in graph.errors:
        assert isinstance(error, CycleError)
        path = error.path
        assert path[0] == path[-1] and len(set(path[:-1])) == len(path) - 1
        for a, b in itertools.pairwise(path):
            assert any(e.target == b for e in edges[a])
        assert error.edge_location == (path[-2], path[-1])
    if not graph.errors:
        position = {name: i for i, name in enumerate(order)}
        for source, targets in edges.items():
            assert all(position[e.target] < position[source] for e in targets)


@given(graphs(acyclic=False))
def test_dependents_mirror_dependencies(edges: dict[str, list[Edge]]) -> None:
    graph = build_graph(edges)
    for a in graph.nodes:
        for b in graph.nodes:
            assert (b in graph.dependencies(a)) == (a in graph.dependents(b))
