"""The pose estimator of PIF guidance and the pose metrics: an mmpose
bottom-up or top-down (whole-image box) model behind
:class:`MMPoseEstimator`, its safe checkpoint loading, and the transforms
mmrepose adds to mmpose's training pipeline."""
from .checkpoint import (PoseEstimatorCheckpointError,
                         allow_mmpose_checkpoint_globals,
                         load_pose_checkpoint)
from .mmpose_estimator import MMPoseEstimator
from .transforms import (PackAEKeypointIndices, ResizeImageAndKeypoints,
                         SetFullImageBBox)

__all__ = [
    'MMPoseEstimator', 'PoseEstimatorCheckpointError',
    'allow_mmpose_checkpoint_globals', 'load_pose_checkpoint',
    'PackAEKeypointIndices', 'ResizeImageAndKeypoints', 'SetFullImageBBox'
]
