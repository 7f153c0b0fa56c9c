"""Metric building blocks: image conversion, weights, Inception features,
the Fréchet distance, the real-set cache, the LPIPS network and the
keypoint person mask."""
from .frechet import (Gaussian, drop_last_partial_batch, feature_moments,
                      frechet_distance, gaussian_from_features,
                      gaussian_from_moments)
from .images import RESIZE_METHODS, resize_image, to_uint8_image
from .inception import build_fid_inception, inception_features
from .lpips_net import build_lpips
from .person_mask import keypoint_person_mask
from .real_set import real_set_files, real_set_moments
from .weights import (TF_FID_INCEPTION, TORCHVISION_ALEXNET,
                      TORCHVISION_INCEPTION, WeightsFile, resolve_weights)

__all__ = [
    'Gaussian', 'drop_last_partial_batch', 'feature_moments',
    'frechet_distance', 'gaussian_from_features', 'gaussian_from_moments',
    'RESIZE_METHODS', 'resize_image', 'to_uint8_image', 'build_fid_inception',
    'inception_features', 'build_lpips', 'keypoint_person_mask',
    'real_set_files', 'real_set_moments', 'TF_FID_INCEPTION',
    'TORCHVISION_ALEXNET', 'TORCHVISION_INCEPTION', 'WeightsFile',
    'resolve_weights'
]
