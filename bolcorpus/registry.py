"""Name → object registries for repair rules and stages.

Configs and pipelines name things; they never import them. Everything is registered in
one explicit module, :mod:`bolcorpus.registrations`, loaded on the first lookup (import
time stays free of side effects and circular imports).

>>> rules.get("repair.dehyphenate.v1").__name__
'join_hyphenated_linebreaks'
>>> stages.get("nope")
Traceback (most recent call last):
...
bolcorpus.errors.RegistryError: unknown stage 'nope'; valid names: entities, ingest, publish, repair, segment, stance
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bolcorpus.errors import RegistryError

if TYPE_CHECKING:
    from bolcorpus.stages.base import Stage

T = TypeVar("T")


class Registry(Generic[T]):
    """A named collection of objects of one kind (``rules``, ``stages``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, obj: T) -> T:
        """Add ``obj`` under ``name``; registering a taken name is an error."""
        if name in self._items and self._items[name] is not obj:
            raise RegistryError(f"{self.kind} {name!r} is already registered")
        self._items[name] = obj
        return obj

    def get(self, name: str) -> T:
        """The object registered as ``name``; a miss lists the valid names."""
        _populate()
        try:
            return self._items[name]
        except KeyError:
            valid = ", ".join(self.names())
            raise RegistryError(f"unknown {self.kind} {name!r}; valid names: {valid}") from None

    def names(self) -> list[str]:
        """All registered names, sorted."""
        _populate()
        return sorted(self._items)


rules: Registry[Callable[..., Any]] = Registry("repair rule")
stages: Registry[type[Stage]] = Registry("stage")


def _populate() -> None:
    from bolcorpus import registrations  # noqa: F401  (registers everything once)
