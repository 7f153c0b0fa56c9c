from .mmpose_estimator import MMPoseEstimator

__all__ = ['MMPoseEstimator']
