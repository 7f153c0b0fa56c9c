from .init_model import (SELF_LOADING, CheckpointMismatchError, init_model,
                         load_weights)
from .pose_transfer_inferencer import PoseTransferInferencer
from .target_pose import PoseInputError, load_target_pose
from .text_pose_inferencer import TextPoseInferencer

__all__ = [
    'PoseTransferInferencer', 'TextPoseInferencer', 'CheckpointMismatchError', 'PoseInputError',
    'init_model', 'load_weights', 'SELF_LOADING', 'load_target_pose'
]
