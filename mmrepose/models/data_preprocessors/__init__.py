from .pose_transfer_data_preprocessor import (PoseTransferDataPreprocessor,
                                              images_to_unit_range,
                                              unit_range_to_images)

__all__ = [
    'PoseTransferDataPreprocessor', 'images_to_unit_range',
    'unit_range_to_images'
]
