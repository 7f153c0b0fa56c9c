# Market-1501, 128x64, PATN/GFLA csv layout (docs/data.md):
#   data/market1501/{train,test}/<name>.jpg
#   data/market1501/market-{annotation,pairs}-{train,test}.csv
# 263,632 train / 12,000 test pairs. DeepFashion's loaders and protocol,
# with this dataset's files and the person-masked metrics.
_base_ = ['./deepfashion.py']

dataset_type = 'Market1501PoseDataset'
data_root = 'data/market1501'
keypoint_frame = (128, 64)
# DeepFashion's pipelines without the scale jitter (as PIDM)
train_pipeline = [step for step in _base_.train_pipeline
                  if step['type'] != 'RandomScaleCropPair']
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root,
                 keypoint_frame=keypoint_frame, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root,
                 keypoint_frame=keypoint_frame))
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
