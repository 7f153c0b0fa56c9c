from .pose_transfer_data_preprocessor import PoseTransferDataPreprocessor

__all__ = ['PoseTransferDataPreprocessor']
