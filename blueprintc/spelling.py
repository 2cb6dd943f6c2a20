"""Whether one name is a slip of the keyboard away from another: the test a "did you
mean" finding is sure enough to make on its own (difflib's ratio also pairs names that
differ on purpose, `nameOverride` and `namespaceOverride`)."""

from __future__ import annotations

MIN_LENGTH = 4  # below it, one letter makes another word (`tls`, `tld`)


def one_slip_apart(typed: str, known: str) -> bool:
    """`typed` is `known` with its letters' case changed, or one letter added, dropped,
    changed, or two neighbours swapped (`PullPolicy`, `enable`, `reource`, `replcias`);
    both at least `MIN_LENGTH` long, and not equal."""
    if typed == known or min(len(typed), len(known)) < MIN_LENGTH:
        return False
    if typed.lower() == known.lower():
        return True
    if len(typed) == len(known):
        differ = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        first, *rest = differ
        return (
            rest == [first + 1]
            and typed[first] == known[first + 1]
            and typed[first + 1] == known[first]
        )
    shorter, longer = sorted((typed, known), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
