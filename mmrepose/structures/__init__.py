from .keypoint_layout import (COCO17_FLIP_PAIRS, COCO17_FROM_OPENPOSE18,
                              COCO17_NAMES, OPENPOSE18_COLORS,
                              OPENPOSE18_FLIP_PAIRS, OPENPOSE18_LIMBS,
                              OPENPOSE18_NAMES, coco17_to_openpose18,
                              flip_permutation, keypoint_visible,
                              openpose18_to_coco17)
from .image_range import images_to_unit_range, unit_range_to_images
from .pose_transfer_data_sample import PoseTransferDataSample

__all__ = [
    'PoseTransferDataSample', 'OPENPOSE18_NAMES', 'COCO17_NAMES',
    'OPENPOSE18_FLIP_PAIRS', 'COCO17_FLIP_PAIRS', 'OPENPOSE18_LIMBS',
    'OPENPOSE18_COLORS', 'COCO17_FROM_OPENPOSE18', 'coco17_to_openpose18',
    'openpose18_to_coco17', 'flip_permutation', 'keypoint_visible',
    'images_to_unit_range', 'unit_range_to_images'
]
