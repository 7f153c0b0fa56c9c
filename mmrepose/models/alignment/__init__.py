"""Recurrent Pose Alignment (paper Sec. 3.2): MapFormer, local correlation,
Pose Aggregator and the recurrent warp."""
from .flow_warp import coordinate_grid, upsample_flow, warp, warp_with_flow
from .local_correlation import local_correlation
from .map_former import MapFormer, sine_position_encoding
from .pose_aggregator import PoseAggregator
from .recurrent_pose_alignment import AlignmentOutput, RecurrentPoseAlignment
from .windowed_attention import WindowedMultiHeadAttention, windowed_attention

__all__ = [
    'AlignmentOutput', 'MapFormer', 'PoseAggregator',
    'RecurrentPoseAlignment', 'WindowedMultiHeadAttention', 'coordinate_grid',
    'local_correlation', 'sine_position_encoding', 'upsample_flow', 'warp',
    'warp_with_flow', 'windowed_attention'
]
