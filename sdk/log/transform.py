"""Transforms between spaces: ``log_rigid3``, ``log_pinhole``, ``log_view_coordinates``, ``log_unknown_transform``."""

from __future__ import annotations

import numpy as np

from rerun import _session
from rerun import components as C
from rerun._errors import bad_type, bad_value, describe, log_function, soft_warning
from rerun.log import _args

__all__ = ["log_rigid3", "log_pinhole", "log_view_coordinates", "log_unknown_transform"]


def _log_transform(path: str, component, timeless: bool) -> None:
    _session.log(path, {C.TRANSFORM: component}, timeless=timeless)


@log_function
def log_unknown_transform(entity_path: str, timeless: bool = False) -> None:
    """Log that the transform from the parent space to this entity is unknown (cuts the space in two).

    Parameters
    ----------
    entity_path : str
        Not the root.
    timeless : bool
    """
    path = _args.entity_path(entity_path)
    _log_transform(path, C.transform("unknown"), _args.flag("timeless", timeless))


def _rigid_pair(argument: str, value: object) -> tuple[np.ndarray, np.ndarray]:
    expected = "a tuple (translation [x, y, z], rotation quaternion [x, y, z, w])"
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise bad_type(argument, expected, describe(value))
    translation = _args.float_vector(f"{argument}[0]", value[0], 3, "3 numbers (translation x, y, z)")
    rotation = _args.float_vector(f"{argument}[1]", value[1], 4, "4 numbers (quaternion x, y, z, w)")
    return translation, rotation


def _rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate ``v`` by the unit quaternion ``q`` (x, y, z, w), in float64."""
    u, w = q[:3], q[3]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def invert_rigid(translation: np.ndarray, rotation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of the rigid transform ``x -> R(q) x + t``: ``(-R(q^-1) t, q^-1)``.

    ``q`` need not be unit length: its inverse is ``conj(q) / |q|^2`` and the translation is rotated
    by the normalised inverse.
    """
    q = rotation.astype(np.float64)
    norm2 = float(q @ q)
    if norm2 == 0.0:
        raise bad_value("child_from_parent[1]", "a non-zero quaternion (it is inverted)", "[0, 0, 0, 0]")
    q_inv = np.array([-q[0], -q[1], -q[2], q[3]]) / norm2
    unit = q_inv / np.sqrt(q_inv @ q_inv)
    moved = -_rotate(unit, translation.astype(np.float64))
    return (moved + 0.0).astype(np.float32), (q_inv + 0.0).astype(np.float32)  # + 0.0: no -0.0


@log_function
def log_rigid3(entity_path: str, *, parent_from_child=None, child_from_parent=None, xyz: str = "", timeless: bool = False) -> None:
    """Log the rigid transform (rotation + translation) between this entity and its parent.

    Parameters
    ----------
    entity_path : str
        Not the root.
    parent_from_child : (translation, quaternion), optional
        ``([x, y, z], [x, y, z, w])`` taking child coordinates into the parent space.
    child_from_parent : (translation, quaternion), optional
        The opposite direction; it is inverted and stored as parent_from_child.
        Give exactly one of the two.
    xyz : str, optional
        Also log view coordinates for the child (see ``log_view_coordinates``), e.g. ``"RDF"``.
    timeless : bool

    Notes
    -----
    The quaternion is stored as given (not normalised), as in 0.4.0.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    if (parent_from_child is None) == (child_from_parent is None):
        given = "neither" if parent_from_child is None else "both"
        raise bad_type("parent_from_child", "given, or else 'child_from_parent' (exactly one of them)", given)
    if not isinstance(xyz, str):
        raise bad_type("xyz", "a str of 3 letters from UDRLFB, or ''", describe(xyz))
    if parent_from_child is not None:
        translation, rotation = _rigid_pair("parent_from_child", parent_from_child)
    else:
        translation, rotation = invert_rigid(*_rigid_pair("child_from_parent", child_from_parent))
    components = {C.TRANSFORM: C.transform("rigid3", rotation=rotation, translation=translation)}
    if xyz:
        code = view_coordinates_code(xyz=xyz, up="", right_handed=None)
        components[C.VIEW_COORDINATES] = C.view_coordinates(code)
    _session.log(path, components, timeless=timeless)


@log_function
def log_pinhole(entity_path: str, *, child_from_parent, width, height, timeless: bool = False) -> None:
    """Log a pinhole camera: the projection from the camera space (parent) to the image (this entity).

    Parameters
    ----------
    entity_path : str
        The image space, e.g. ``"world/camera/image"``. Not the root.
    child_from_parent : array-like 3x3
        The intrinsic matrix ``image_from_cam``, row-major (``[[fx, 0, cx], [0, fy, cy], [0, 0, 1]]``).
    width, height : number
        Image size in pixels (> 0).
    timeless : bool

    Notes
    -----
    Stored row-major in ``image_from_cam`` (0.4.0 stored it column-major on its wire).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    matrix = _args.numeric_array("child_from_parent", child_from_parent, "a 3x3 matrix")
    if matrix.shape != (3, 3):
        raise bad_value("child_from_parent", "a 3x3 matrix", f"shape {matrix.shape}")
    w = _args.real_number("width", width, positive=True)
    h = _args.real_number("height", height, positive=True)
    component = C.transform(
        "pinhole", image_from_cam=matrix.astype(np.float32).reshape(9), resolution=np.array([w, h], np.float32)
    )
    _log_transform(path, component, timeless)


_AXES = {"U": (1, np.array([0, 1, 0])), "D": (2, np.array([0, -1, 0])), "R": (3, np.array([1, 0, 0])),
         "L": (4, np.array([-1, 0, 0])), "F": (5, np.array([0, 0, -1])), "B": (6, np.array([0, 0, 1]))}
_AXIS_NAMES = {"U": "Up", "D": "Down", "R": "Right", "L": "Left", "F": "Forward", "B": "Back"}
_UP = {
    ("+X", True): "URF", ("+X", False): "URB", ("-X", True): "DRB", ("-X", False): "DRF",
    ("+Y", True): "RUB", ("+Y", False): "RUF", ("-Y", True): "RDF", ("-Y", False): "RDB",
    ("+Z", True): "RFU", ("+Z", False): "RBU", ("-Z", True): "RBD", ("-Z", False): "RFD",
}  # fmt: skip


def _describe_axes(xyz: str) -> str:
    return f"{xyz} (X={_AXIS_NAMES[xyz[0]]}, Y={_AXIS_NAMES[xyz[1]]}, Z={_AXIS_NAMES[xyz[2]]})"


def is_right_handed(xyz: str) -> bool:
    """Whether the axes named by ``xyz`` (3 letters of UDRLFB) form a right-handed system.

    Right, Up, Back form a right-handed basis (x right, y up, z towards the viewer).
    """
    vectors = [_AXES[ch][1] for ch in xyz]
    return float(np.dot(np.cross(vectors[0], vectors[1]), vectors[2])) > 0


def view_coordinates_code(*, xyz: str, up: str, right_handed) -> bytes:
    """The 3 bytes of ``rerun.view_coordinates`` for an ``xyz`` string or an ``up`` axis."""
    if right_handed is not None and not isinstance(right_handed, (bool, np.bool_)):
        raise bad_type("right_handed", "a bool or None", describe(right_handed))
    if xyz:
        if not isinstance(xyz, str) or len(xyz) != 3 or any(ch not in _AXES for ch in xyz):
            raise bad_value("xyz", "3 letters from UDRLFB (Up Down Right Left Forward Back), e.g. 'RDF'", repr(xyz))
        directions = [_AXES[ch][1] for ch in xyz]
        if abs(int(np.dot(np.cross(directions[0], directions[1]), directions[2]))) != 1:
            raise bad_value("xyz", "three different cardinal directions", f"{_describe_axes(xyz)}")
        if right_handed is not None and bool(right_handed) != is_right_handed(xyz):
            hand = "right" if is_right_handed(xyz) else "left"
            raise bad_value("right_handed", f"{is_right_handed(xyz)} to match xyz", f"{right_handed}: {_describe_axes(xyz)} is {hand} handed")
        return bytes(_AXES[ch][0] for ch in xyz)
    if not isinstance(up, str) or up not in {key[0] for key in _UP}:
        raise bad_value("up", "one of +X -X +Y -Y +Z -Z", repr(up))
    hand = True if right_handed is None else bool(right_handed)
    return bytes(_AXES[ch][0] for ch in _UP[(up, hand)])


@log_function
def log_view_coordinates(entity_path: str, *, xyz: str = "", up: str = "", right_handed=None, timeless: bool = False) -> None:
    """Log how the axes of this entity's space map to the viewer's semantic directions.

    Parameters
    ----------
    entity_path : str
        The root ``"/"`` is allowed (it sets the up axis of the whole world).
    xyz : str, optional
        What each of X, Y, Z points to: three of U(p) D(own) R(ight) L(eft) F(orward) B(ack),
        e.g. ``"RDF"`` for a camera (X right, Y down, Z forward).
    up : str, optional
        Only the up axis: one of ``+X -X +Y -Y +Z -Z`` (e.g. ``"+Z"`` for a robot world frame).
    right_handed : bool, optional
        With ``up``: the handedness (default right); with ``xyz``: checked against the letters.
    timeless : bool

    Notes
    -----
    Give ``xyz`` or ``up``; with both, ``up`` is ignored after a warning, as in 0.4.0.
    """
    path = _args.entity_path(entity_path, allow_root=True)
    timeless = _args.flag("timeless", timeless)
    if not isinstance(xyz, str):
        raise bad_type("xyz", "a str of 3 letters from UDRLFB", describe(xyz))
    if not isinstance(up, str):
        raise bad_type("up", "a str, one of +X -X +Y -Y +Z -Z", describe(up))
    if not xyz and not up:
        raise bad_value("xyz", "given (or else 'up')", "neither 'xyz' nor 'up'")
    code = view_coordinates_code(xyz=xyz, up="" if xyz else up, right_handed=right_handed)
    if xyz and up:
        soft_warning("rr.log_view_coordinates", f"give either 'xyz' or 'up', got both ({xyz!r} and {up!r}); 'up' is ignored")
    _session.log(path, {C.VIEW_COORDINATES: C.view_coordinates(code)}, timeless=timeless)
