# Market-1501, 128x64, PATN/GFLA csv layout:
#   data/market1501/{train,test}/<name>.jpg
#   data/market1501/market-{annotation,pairs}-{train,test}.csv
# 263,632 train / 12,000 test pairs.
_base_ = ['./deepfashion_256.py']

dataset_type = 'Market1501PoseDataset'
data_root = 'data/market1501'
image_size = (128, 64)  # (H, W)
keypoint_frame = (128, 64)
train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(image_size[1], image_size[0])),
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
    dataset=dict(type=dataset_type, data_root=data_root,
                 keypoint_frame=keypoint_frame, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root,
                 keypoint_frame=keypoint_frame, pipeline=test_pipeline))
test_dataloader = val_dataloader

# PIDM protocol plus Market-1501's mask-SSIM and mask-LPIPS (person mask
# from the target keypoints, GFLA script/metrics.py).
val_evaluator = [
    dict(type='FID', protocol='pidm', real_set=data_root + '/train',
         inception_weights={{_base_.inception_weights}},
         use_fid_inception=False, drop_last_partial_batch=True, batch_size=64),
    dict(type='SSIM', protocol='pidm', variant='ssim_256', sigma=1.2),
    dict(type='LPIPS', protocol='pidm',
         alexnet_weights={{_base_.alexnet_weights}}),
    dict(type='SSIM', protocol='pidm', variant='ssim_256', sigma=1.2,
         masked=True),
    dict(type='LPIPS', protocol='pidm',
         alexnet_weights={{_base_.alexnet_weights}}, masked=True),
]
test_evaluator = val_evaluator
