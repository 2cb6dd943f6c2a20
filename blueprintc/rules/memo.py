"""`per_instance`: `functools.cached_property` without its process-wide lock.

Before Python 3.12, `cached_property` computes under one lock per property shared by
every instance: while one lint thread loads its Blueprint's chart (`helm_chart`, in
Helm's native code, the GIL released), the other thread waits for the same lock to
load its own, unrelated chart, and so for every cached property of the context.
A Blueprint's context is only ever used by the thread linting that Blueprint, so it
needs no lock: the value is stored in the instance, which then shadows the descriptor.
An exception is not stored (asked again, the property is worked out again), as with
`cached_property`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

_T = TypeVar("_T")


def remembered(memo: dict[str, Any], name: str, build: Callable[[], _T]) -> _T:
    """`build()`, worked out once per `memo` under `name` (None is worked out again)."""
    found = memo.get(name)
    if found is None:
        found = memo[name] = build()
    return found  # type: ignore[no-any-return]


class per_instance(Generic[_T]):
    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.__doc__ = func.__doc__
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> per_instance[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value
