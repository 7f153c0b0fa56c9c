from .formatting import PackPoseTransferInputs
from .geometric import RandomFlipPair, RandomScaleCropPair, ResizePair
from .loading import (ImageLoadError, LoadPairFromFile, decode_rgb_image,
                      load_rgb_image)
from .pose_encoding import GeneratePoseEncoding
from .pose_maps import (cfld21, encode_pose, gfla18, pidm20,
                        pose_encoding_channels, skeleton_rgb)

__all__ = [
    'LoadPairFromFile', 'ImageLoadError', 'load_rgb_image', 'decode_rgb_image',
    'ResizePair',
    'RandomFlipPair', 'RandomScaleCropPair', 'GeneratePoseEncoding',
    'PackPoseTransferInputs', 'encode_pose',
    'pose_encoding_channels', 'pidm20', 'gfla18', 'cfld21', 'skeleton_rgb'
]
