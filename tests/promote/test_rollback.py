"""A rollback's target from the lock's history read as an undo stack: back past the
entries a rollback (or a revert of the lock) left, never forward to one of them."""

from __future__ import annotations

from blueprintc.promote.lock import LockEntry
from blueprintc.promote.lockdoc import dumps, entry_value
from blueprintc.promote.rollback import undo_stack

DIGEST = "sha256:" + "0" * 64


def _entry(replicas: int) -> LockEntry:
    return LockEntry("bp-webapp", "1.4.2", DIGEST, "dev", {"replicaCount": replicas})


def _run(*replicas: int | None) -> tuple[list[int], list[int]]:
    """The stack and the left entries (by replicaCount) after `replicas`, in time order."""
    history = [(None if r is None else _entry(r), f"c{i}") for i, r in enumerate(replicas)]
    stack, left = undo_stack(history)
    return (
        [r.entry.config["replicaCount"] for r in stack],
        [r.entry.config["replicaCount"] for r in left],
    )


def test_a_promotion_pushes_and_a_return_drops_what_came_after() -> None:
    assert _run(3, 4, 6) == ([3, 4, 6], [])
    assert _run(3, 4, 6, 4) == ([3, 4], [6])
    assert _run(3, 4, 6, 4, 3) == ([3], [4, 6])


def test_a_revert_of_two_promotions_at_once_leaves_both() -> None:
    assert _run(3, 4, 6, 3) == ([3], [4, 6])


def test_an_entry_promoted_again_after_a_rollback_can_be_rolled_back_to_again() -> None:
    assert _run(3, 4, 6, 4, 6, 7) == ([3, 4, 6, 7], [])


def test_the_same_entry_in_a_row_is_one_and_keeps_its_first_commit() -> None:
    stack, _ = undo_stack([(_entry(3), "a"), (_entry(3), "b"), (_entry(4), "c")])
    assert [r.commit for r in stack] == ["a", "c"]


def test_a_time_without_an_entry_forgets_what_ran_before() -> None:
    assert _run(3, 4, None, 5) == ([5], [])


def test_one_entry_is_read_from_its_own_lines() -> None:
    data = {
        "generated": "note",
        "apiVersion": "blueprintc.openova.io/v1alpha1",
        "kind": "Lock",
        "applications": {
            "acme/shop": {"prod": _entry(3).as_dict(), "stg": _entry(4).as_dict()},
            "acme/wiki": {"stg": _entry(5).as_dict()},
        },
    }
    text = dumps(data)
    assert entry_value(text, "acme/shop", "stg") == _entry(4).as_dict()
    assert entry_value(text, "acme/shop", "prod") == _entry(3).as_dict()
    assert entry_value(text, "acme/wiki", "stg") == _entry(5).as_dict()
    assert entry_value(text, "acme/wiki", "prod") is None
    assert (
        entry_value(text.replace("\n", "\r\n").replace("{\r\n", "{ \n", 1), "acme/shop", "stg")
        is None
    )
