from .pose_transfer_inferencer import (CheckpointMismatchError,
                                       PoseTransferInferencer)
from .target_pose import PoseInputError, load_target_pose

__all__ = [
    'PoseTransferInferencer', 'CheckpointMismatchError', 'PoseInputError',
    'load_target_pose'
]
