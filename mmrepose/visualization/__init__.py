from .flow_rendering import flow_to_rgb
from .pose_rendering import overlay_pose, pose_map_to_rgb, tile_grid

__all__ = ['flow_to_rgb', 'pose_map_to_rgb', 'overlay_pose', 'tile_grid']
