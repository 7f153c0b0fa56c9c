from .pose_rendering import overlay_pose, pose_map_to_rgb, tile_grid

__all__ = ['pose_map_to_rgb', 'overlay_pose', 'tile_grid']
