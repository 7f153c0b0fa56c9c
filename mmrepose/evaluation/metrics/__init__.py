from .base import (CUSTOM_PROTOCOL, NOT_COMPARABLE, PerImageMetric,
                   PoseTransferMetric)
from .clip_score import CLIPScore
from .fid import FID
from .humansd_pose import HumanSDPoseMetric
from .humansd_strip_fid import HumanSDStripFID
from .lpips import LPIPS
from .masked_l1 import MaskedL1
from .part_colour_error import PartColourError
from .pose_accuracy import PoseAccuracy
from .psnr import PSNR
from .ssim import SSIM, ImageTooSmallError, ssim_score

__all__ = [
    'PoseTransferMetric', 'PerImageMetric', 'CLIPScore', 'FID', 'SSIM', 'LPIPS', 'PSNR',
    'MaskedL1', 'PartColourError', 'PoseAccuracy', 'HumanSDPoseMetric',
    'HumanSDStripFID', 'ssim_score',
    'ImageTooSmallError',
    'CUSTOM_PROTOCOL', 'NOT_COMPARABLE'
]
