from .generated_image_saver_hook import GeneratedImageSaverHook
from .pose_transfer_visualization_hook import PoseTransferVisualizationHook
from .random_state_hook import RandomStateHook

__all__ = ['GeneratedImageSaverHook', 'PoseTransferVisualizationHook',
           'RandomStateHook']
