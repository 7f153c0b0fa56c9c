# DeepFashion In-shop at 512x352: the same pairs and csv annotations as the
# 256x176 setting (keypoints stay in the 256x176 frame and are rescaled on
# load); images from data/deepfashion/{train,test}_512/.
_base_ = ['./deepfashion_256.py']

image_size = (512, 352)  # (H, W)
train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(image_size[1], image_size[0])),
    dict(type='RandomScaleCropPair', scale_param=0.05),
    dict(type='RandomFlipPair', prob=0.5),
    dict(type='GeneratePoseEncoding', encoding={{_base_.pose_encoding}},
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
test_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(image_size[1], image_size[0])),
    dict(type='GeneratePoseEncoding', encoding={{_base_.pose_encoding}},
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
train_dataloader = dict(
    dataset=dict(img_dir='train_512', pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(img_dir='test_512', pipeline=test_pipeline))
test_dataloader = val_dataloader
