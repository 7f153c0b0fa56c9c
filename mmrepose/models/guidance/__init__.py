"""Gradient guidance of RePoseDM: the Pose Interaction Field (Sec. 3.3-3.4)."""
from .pif_guidance import PIFGuidance
from .pose_critic import PoseCritic
from .pose_interaction_field import (DEFAULT_SAMPLE_CFG, DEFAULT_TRAIN_CFG,
                                     PoseInteractionField)
from .target_heatmaps import (DEFAULT_HEATMAP_SIGMA, render_gaussian_heatmaps,
                              stack_target_keypoints)

__all__ = [
    'PoseInteractionField', 'PIFGuidance', 'PoseCritic', 'DEFAULT_TRAIN_CFG',
    'DEFAULT_SAMPLE_CFG', 'render_gaussian_heatmaps', 'DEFAULT_HEATMAP_SIGMA',
    'stack_target_keypoints'
]
