from .annotation_formats import (AnnotationError, deepfashion_flat_name,
                                 read_nted_pairs, read_nted_pose,
                                 read_patn_annotations, read_patn_pairs)
from .base_pose_transfer_dataset import BasePoseTransferDataset
from .captioned_pose_dataset import CaptionedPoseDataset
from .deepfashion_dataset import DeepFashionPoseDataset
from .human_art_dataset import HumanArtDataset
from .laion_human_dataset import LaionHumanDataset
from .market1501_dataset import Market1501PoseDataset
from .text_pose_dataset import BaseTextPoseDataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'BasePoseTransferDataset', 'CaptionedPoseDataset', 'DeepFashionPoseDataset',
    'Market1501PoseDataset', 'BaseTextPoseDataset', 'HumanArtDataset',
    'LaionHumanDataset', 'AnnotationError', 'read_patn_annotations',
    'read_patn_pairs', 'read_nted_pairs', 'read_nted_pose',
    'deepfashion_flat_name'
]
