"""The component classes of Rerun 0.4.0's ``rerun.components.*`` modules, as thin front ends to our builders.

In 0.4.0 each component had an Arrow *extension* array class with a constructor (``Point3DArray.from_numpy``)
and an extension type (``Point3DType``). Our components are plain Arrow arrays of the types in
:data:`rerun.components.TYPES`, so here ``XArray.<constructor>`` builds exactly the array our own
``log_*`` functions log (one builder, in :mod:`rerun.components`), and ``XType`` is that component's
Arrow type. Code that built component arrays itself, or only imported the names, keeps working.
"""

from __future__ import annotations

from typing import Callable

import pyarrow as pa

import numpy as np

from rerun import components


def float32(array) -> pa.Array:
    """A flat float32 array (radii, and the like) of ``array``."""
    return components.primitive(np.asarray(array, dtype=np.float32).reshape(-1))


def uint16(array) -> pa.Array:
    """A flat uint16 array (class and keypoint ids) of ``array``."""
    return components.primitive(np.asarray(array, dtype=np.uint16).reshape(-1))


def vectors(width: int) -> Callable[[object], pa.Array]:
    """A builder of ``fixed_size_list<f32, width>`` arrays from an ``(N, width)`` array."""
    return lambda array: components.vec_list(array, width)


def array_class(
    class_name: str, module: str, component: str, type_: pa.DataType | None = None, **constructors: Callable[..., pa.Array]
) -> type:
    """A class named ``class_name`` whose static methods ``constructors`` build ``component`` arrays.

    Its ``component_name`` and ``arrow_type`` say which component the arrays are; ``type_`` is only
    given for a 0.4.0 component our SDK never logs (``rerun.vec2d``).
    """
    arrow = components.TYPES[component] if type_ is None else type_
    namespace: dict[str, object] = {
        "__doc__": f"Builds ``{component}`` arrays ({arrow}); Rerun 0.4.0's name.",
        "__module__": module,
        "component_name": component,
        "arrow_type": arrow,
    }
    namespace.update({name: staticmethod(build) for name, build in constructors.items()})
    return type(class_name, (), namespace)


def arrow_type(component: str) -> pa.DataType:
    """The Arrow type of one instance of ``component`` (0.4.0's ``XType`` names)."""
    return components.TYPES[component]


def ComponentTypeFactory(name: str, array_cls: type, field: pa.Field) -> type:  # noqa: N802 (0.4.0's name)
    """A ``pa.ExtensionType`` subclass named ``name`` storing ``field.type`` under the extension name ``field.name``.

    0.4.0 built its component types with this; ours are plain Arrow types (:data:`rerun.components.TYPES`).
    It is kept for code that made its own component types the 0.4.0 way: instances of the returned class
    are Arrow extension types whose arrays are ``array_cls``.
    """

    def __init__(self) -> None:
        pa.ExtensionType.__init__(self, field.type, field.name)

    def __arrow_ext_serialize__(self) -> bytes:
        return b""

    @classmethod
    def __arrow_ext_deserialize__(cls, storage_type, serialized):  # noqa: ANN001
        return cls()

    def __arrow_ext_class__(self) -> type:
        return array_cls

    return type(
        name,
        (pa.ExtensionType,),
        {
            "__init__": __init__,
            "__arrow_ext_serialize__": __arrow_ext_serialize__,
            "__arrow_ext_deserialize__": __arrow_ext_deserialize__,
            "__arrow_ext_class__": __arrow_ext_class__,
        },
    )


def build_dense_union(data_type: pa.DenseUnionType, discriminant: str, child: pa.Array) -> pa.UnionArray:
    """A dense union of ``data_type`` whose every value is ``child``'s, all in the variant ``discriminant``.

    Raises
    ------
    ValueError
        If ``data_type`` has no variant ``discriminant`` or ``child`` is not of that variant's type.
    """
    names = [f.name for f in data_type]
    if discriminant not in names:
        raise ValueError(f"argument 'discriminant': expected one of {names}, got {discriminant!r}")
    index = names.index(discriminant)
    variant = data_type[index]
    if child.type != variant.type:
        raise ValueError(f"argument 'child': expected {variant.type} for variant {discriminant!r}, got {child.type}")
    count = len(child)
    code = data_type.type_codes[index]
    children = [child if i == index else pa.array([], type=f.type) for i, f in enumerate(data_type)]
    return pa.UnionArray.from_dense(
        pa.array(np.full(count, code, dtype=np.int8)), pa.array(np.arange(count, dtype=np.int32)), children,
        field_names=names, type_codes=list(data_type.type_codes),
    )
