from .cross_attention_cache import CachedProjection, cache_cross_attention
from .pose_conditioned_unet import PoseConditionedUNet

__all__ = ['PoseConditionedUNet', 'CachedProjection', 'cache_cross_attention']
