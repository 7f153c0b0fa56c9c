"""Metric building blocks: image conversion and resizing, folder listings,
weights (local files or seeded random), Inception features, the Fréchet
distance, the real-set cache, the LPIPS network and the keypoint person
mask."""
from .frechet import (FRECHET_METHODS, Gaussian, feature_moments,
                      frechet_distance, gaussian_from_features,
                      gaussian_from_moments)
from .images import (RESIZE_METHODS, SizeMismatchError, to_uint8_image,
                     unit_image)
from .inception import (INCEPTION_INPUTS, build_fid_inception,
                        inception_features)
from .listing import (LISTINGS, kept_count, list_folder, listing_order,
                      reference_batch_size)
from .lpips_net import build_lpips
from .person_mask import keypoint_person_mask
from .random_weights import (random_alexnet_state_dict,
                             random_inception_state_dict, write_random_hub)
from .real_set import real_set_files, real_set_moments
from .weights import (TF_FID_INCEPTION, TORCHVISION_ALEXNET,
                      TORCHVISION_INCEPTION, WeightsFile, resolve_weights)

__all__ = [
    'FRECHET_METHODS', 'Gaussian', 'feature_moments', 'frechet_distance',
    'gaussian_from_features', 'gaussian_from_moments', 'RESIZE_METHODS',
    'SizeMismatchError', 'to_uint8_image', 'unit_image', 'INCEPTION_INPUTS',
    'build_fid_inception', 'inception_features', 'LISTINGS', 'kept_count',
    'list_folder', 'listing_order', 'reference_batch_size', 'build_lpips',
    'keypoint_person_mask', 'random_alexnet_state_dict',
    'random_inception_state_dict', 'write_random_hub', 'real_set_files',
    'real_set_moments', 'TF_FID_INCEPTION', 'TORCHVISION_ALEXNET',
    'TORCHVISION_INCEPTION', 'WeightsFile', 'resolve_weights'
]
