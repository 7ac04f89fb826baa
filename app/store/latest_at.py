"""The result of a latest-at query: one entity's visible components at a time cursor."""

from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np
import pyarrow as pa

_AS_IS, _SPLAT, _JOINED = 0, 1, 2


class ResolvedComponent:
    """How one component's cell maps onto the result's instances (built by the store)."""

    __slots__ = ("cell", "mode", "take", "time")

    def __init__(self, cell: pa.Array, mode: int, take: np.ndarray | None, time: int | None) -> None:
        self.cell = cell
        self.mode = mode
        #: For joined cells: per result instance, the index into ``cell`` or -1 for "no value".
        self.take = take
        self.time = time


def as_is(cell: pa.Array, time: int | None) -> ResolvedComponent:
    return ResolvedComponent(cell, _AS_IS, None, time)


def splat(cell: pa.Array, time: int | None) -> ResolvedComponent:
    return ResolvedComponent(cell, _SPLAT, None, time)


def joined(cell: pa.Array, take: np.ndarray, time: int | None) -> ResolvedComponent:
    return ResolvedComponent(cell, _JOINED, take, time)


def array_to_numpy(array: pa.Array) -> np.ndarray:
    """A numpy view of an instance array: zero copy for null-free numeric and fixed-size-list arrays.

    ``fixed_size_list<T, k>`` gives an ``(N, k)`` array of T (e.g. points → (N, 3) float32, colours →
    (N, 4) uint8); numeric arrays give 1-D arrays. The dtype never changes: a missing instance
    (null) reads as NaN in float arrays and 0 in integer ones (which costs a copy). Anything else
    (strings, structs, lists) gives a 1-D object array with None for nulls.
    """
    typ = array.type
    if pa.types.is_fixed_size_list(typ):
        k = typ.list_size
        child = array.values.slice(array.offset * k, len(array) * k)
        if not (pa.types.is_integer(child.type) or pa.types.is_floating(child.type)):
            return array.to_numpy(zero_copy_only=False)
        flat = _numeric_to_numpy(child).reshape(-1, k)
        if array.null_count:
            flat = flat.copy()
            flat[~array.is_valid().to_numpy(zero_copy_only=False)] = np.nan if flat.dtype.kind == "f" else 0
        return flat
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        return _numeric_to_numpy(array)
    return array.to_numpy(zero_copy_only=False)


def _numeric_to_numpy(array: pa.Array) -> np.ndarray:
    if array.null_count == 0:
        return array.to_numpy()
    if pa.types.is_floating(array.type):
        return array.to_numpy(zero_copy_only=False)  # NaN for nulls, same dtype
    return array.fill_null(0).to_numpy()


class ComponentArrays(Mapping):
    """Component name → instance array of length ``num_instances``, materialised on first access.

    Splats are broadcast and components joined from other rows are gathered only when read, so a
    view that only needs :meth:`LatestAt.numpy` or :meth:`LatestAt.raw` never pays for them.
    """

    def __init__(self, result: "LatestAt") -> None:
        self._result = result
        self._cache: dict[str, pa.Array] = {}

    def __getitem__(self, name: str) -> pa.Array:
        cached = self._cache.get(name)
        if cached is None:
            cached = self._cache[name] = self._result._materialise(name)
        return cached

    def __iter__(self) -> Iterator[str]:
        return iter(self._result._resolved)

    def __len__(self) -> int:
        return len(self._result._resolved)

    def __repr__(self) -> str:
        return f"ComponentArrays({list(self)})"


class LatestAt:
    """What one entity shows at a time cursor.

    Attributes
    ----------
    entity_path : str
        Canonical entity path.
    num_instances : int
        Instance count: that of the ``primary`` component's cell when one was asked for, else of
        the longest cell found.
    components : Mapping[str, pa.Array]
        Each visible component as an array of ``num_instances`` values (splats broadcast, cells
        from other log calls joined by instance key; missing instances are null), built lazily.
    row_time : int or None
        Time of the newest row that contributed (None when all contributions are timeless).
    component_times : dict of str to int or None
        Time of the row each component came from (None for timeless data).
    """

    def __init__(self, entity_path: str, num_instances: int, instance_keys: np.ndarray | None, resolved: dict[str, ResolvedComponent]) -> None:
        self.entity_path = entity_path
        self.num_instances = num_instances
        self._instance_keys = instance_keys
        self._resolved = resolved
        self.components: Mapping[str, pa.Array] = ComponentArrays(self)
        self.component_times = {name: r.time for name, r in resolved.items()}
        times = [t for t in self.component_times.values() if t is not None]
        self.row_time = max(times) if times else None

    def __contains__(self, name: str) -> bool:
        return name in self._resolved

    def __repr__(self) -> str:
        return (
            f"LatestAt({self.entity_path!r}, num_instances={self.num_instances}, row_time={self.row_time}, "
            f"components={sorted(self._resolved)})"
        )

    @property
    def instance_keys(self) -> np.ndarray:
        """uint64 instance keys of the instances (explicit ones when logged, else 0..N-1)."""
        if self._instance_keys is None:
            return np.arange(self.num_instances, dtype=np.uint64)
        return self._instance_keys

    def is_splat(self, name: str) -> bool:
        """Whether ``name`` holds one value applying to every instance."""
        return self._resolved[name].mode == _SPLAT

    def raw(self, name: str) -> pa.Array:
        """The logged cell of ``name`` as stored (length 1 for a splat; zero copy)."""
        return self._resolved[name].cell

    def numpy(self, name: str) -> np.ndarray:
        """``name`` as a numpy array of ``num_instances`` rows (see :func:`array_to_numpy`).

        Zero copy for null-free numeric and fixed-size-list cells logged with the instances; a
        splat is a read-only broadcast view of its single value.

        Raises
        ------
        KeyError
            If the component is not visible in this result.
        """
        try:
            resolved = self._resolved[name]
        except KeyError:
            raise KeyError(f"component {name!r} is not visible on {self.entity_path!r}; visible: {sorted(self._resolved)}") from None
        if resolved.mode == _AS_IS:
            return array_to_numpy(resolved.cell)
        if resolved.mode == _SPLAT:
            one = array_to_numpy(resolved.cell)
            return np.broadcast_to(one, (self.num_instances,) + one.shape[1:])
        return array_to_numpy(self.components[name])

    def _materialise(self, name: str) -> pa.Array:
        resolved = self._resolved[name]
        if resolved.mode == _AS_IS:
            return resolved.cell
        if resolved.mode == _SPLAT:
            return resolved.cell.take(pa.array(np.zeros(self.num_instances, dtype=np.int64)))
        take = resolved.take
        missing = take < 0
        indices = pa.array(np.where(missing, 0, take), mask=missing if missing.any() else None)
        return resolved.cell.take(indices)
