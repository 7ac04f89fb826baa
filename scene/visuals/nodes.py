"""Scene-graph node classes of the lean visuals (take ``parent=`` like any vispy scene visual)."""

from vispy.scene.visuals import create_visual_node

from .image import ImageVisual
from .label_boxes import LabelBoxesVisual
from .lines import LinesVisual
from .mesh import MeshVisual
from .points import PointsVisual

Points = create_visual_node(PointsVisual)
Lines = create_visual_node(LinesVisual)
Mesh = create_visual_node(MeshVisual)
Image = create_visual_node(ImageVisual)
LabelBoxes = create_visual_node(LabelBoxesVisual)
