from .pose_conditioned_unet import PoseConditionedUNet

__all__ = ['PoseConditionedUNet']
