"""``log_extension_components``: user-defined components (``ext.<name>``) next to the built-in ones."""

from __future__ import annotations

from rerun import components as C
from rerun._errors import bad_type, describe, log_function
from rerun.log import _args

__all__ = ["log_extension_components"]


@log_function
def log_extension_components(entity_path: str, ext: dict, *, identifiers=None, timeless: bool = False) -> None:
    """Log extension components, shown in the viewer's selection panel.

    Parameters
    ----------
    entity_path : str
    ext : dict
        Component name -> value(s). Names get an ``ext.`` prefix unless they have one. A value of
        length 1 applies to every instance; ``None`` values are skipped. The Arrow type first seen
        for a name is kept for the whole process; later values are cast to it.
    identifiers : sequence of ints, optional
        Instance keys, one per instance.
    timeless : bool

    Notes
    -----
    A numpy array of identifiers works and a length-1 value beside several identifiers is a splat
    (both raised ValueError in 0.4.0); a value that cannot be cast is a validation error.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    if not isinstance(ext, dict):
        raise bad_type("ext", "a dict of component name to values", describe(ext))
    keys = _args.instance_keys("identifiers", identifiers)
    inst = _args.Instanced("identifiers" if keys is not None else None, None if keys is None else len(keys))
    if keys is not None:
        inst.components[C.INSTANCE_KEY] = _args.u64(keys)
    _args.log_row(path, inst, ext, timeless=timeless, skip_empty=True)
