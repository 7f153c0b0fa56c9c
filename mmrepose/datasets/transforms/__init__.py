from .formatting import PackPoseTransferInputs
from .geometric import (RandomFlipPair, RandomScaleCropPair, ResizePair,
                        ResizeShortSideCrop)
from .loading import (ImageLoadError, LoadPairFromFile, LoadPeoplePose,
                      decode_rgb_image, load_rgb_image)
from .pose_encoding import GeneratePoseEncoding
from .pose_maps import (cfld21, encode_pose, gfla18, pidm20,
                        pose_encoding_channels, skeleton_rgb)

__all__ = [
    'LoadPairFromFile', 'LoadPeoplePose', 'ImageLoadError', 'load_rgb_image', 'decode_rgb_image',
    'ResizePair', 'ResizeShortSideCrop',
    'RandomFlipPair', 'RandomScaleCropPair', 'GeneratePoseEncoding',
    'PackPoseTransferInputs', 'encode_pose',
    'pose_encoding_channels', 'pidm20', 'gfla18', 'cfld21', 'skeleton_rgb'
]
