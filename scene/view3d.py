"""The 3D space view: orbit camera, origin axes, look-through-a-pinhole."""

from __future__ import annotations

from .cameras import OrbitCamera
from .geometry import axes_lines
from .view_base import SpaceView

AXES_KEY = ("rerun_scene", "origin_axes")


class SpaceView3D(SpaceView):
    """A 3D space view. See :class:`~rerun_scene.view_base.SpaceView` for layers and picking.

    Parameters
    ----------
    parent : SceneCanvas or Node
    up : str
        World up axis ("+Z" default; "-Y" for RDF camera worlds...).
    fov : float
        Vertical field of view in degrees.
    bgcolor : colour or None
    """

    depth_test = True
    _internal_keys = frozenset({AXES_KEY})

    def __init__(self, parent, up: str = "+Z", fov: float = 45.0, bgcolor=None):
        super().__init__(parent, OrbitCamera(fov=fov, up=up), bgcolor=bgcolor)
        self.camera.fit(*self._default_bounds())

    def set_up(self, axis: str, right: str | None = None) -> None:
        """World up axis from view coordinates: "+X", "-X", "+Y", "-Y", "+Z" or "-Z"; ``right``: the
        axis shown to the right (None: any axis across ``up``)."""
        self.camera.set_up(axis, right)

    def focus(self, point) -> None:
        """Orbit around world ``point``."""
        self.camera.focus(point)

    def look_through(self, intrinsics, world_from_camera, resolution) -> None:
        """Show what a pinhole camera (RDF frame) sees; see :meth:`OrbitCamera.look_through`."""
        self.camera.look_through(intrinsics, world_from_camera, resolution)

    def camera_state(self) -> dict:
        """The camera's parameters as plain values (state dumps, tests, saving a view)."""
        cam = self.camera
        return {
            "center": [float(v) for v in cam.center_point],
            "distance": float(cam.distance),
            "yaw_deg": float(cam.yaw_deg),
            "pitch_deg": float(cam.pitch_deg),
            "fov_deg": float(cam.fov_deg),
            "up": cam.up_axis,
            "right": cam.right_axis,
            "looking_through": cam.looking_through,
            "user_moved": bool(cam.user_moved),
        }

    def show_axes(self, visible: bool = True, length: float = 1.0) -> None:
        """Show or hide red/green/blue X/Y/Z axes of ``length`` at the world origin."""
        if visible:
            if AXES_KEY not in self._layers or self._layers[AXES_KEY].batch.segments[0, 1, 0] != length:
                self.set_layer(AXES_KEY, axes_lines(length))
            self._layers[AXES_KEY].node.visible = True
        elif AXES_KEY in self._layers:
            self._layers[AXES_KEY].node.visible = False
