from .generated_image_saver_hook import GeneratedImageSaverHook
from .pose_transfer_visualization_hook import PoseTransferVisualizationHook

__all__ = ['GeneratedImageSaverHook', 'PoseTransferVisualizationHook']
