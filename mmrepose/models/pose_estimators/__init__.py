"""The pose estimator of PIF guidance and the pose metrics: an mmpose
bottom-up or top-down (whole-image box) model behind
:class:`MMPoseEstimator`, and the transforms
mmrepose adds to mmpose's training pipeline."""
from .mmpose_estimator import MMPoseEstimator, PoseEstimatorCheckpointError
from .transforms import (PackAEKeypointIndices, RandomBlurNoise,
                         ResizeImageAndKeypoints, SetFullImageBBox)

__all__ = [
    'MMPoseEstimator', 'PoseEstimatorCheckpointError',
    'PackAEKeypointIndices', 'RandomBlurNoise', 'ResizeImageAndKeypoints',
    'SetFullImageBBox'
]
