from .init_model import CheckpointMismatchError, init_model, load_weights
from .pose_transfer_inferencer import PoseTransferInferencer
from .target_pose import PoseInputError, load_target_pose

__all__ = [
    'PoseTransferInferencer', 'CheckpointMismatchError', 'PoseInputError',
    'init_model', 'load_weights', 'load_target_pose'
]
