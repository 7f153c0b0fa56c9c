# SynthFashion (procedural people with ground truth, in DeepFashion's csv
# layout, docs/data.md), generated at 256x176; the configs train on it
# downscaled. Generate it first:
#   python tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
#       --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
#       --poses-per-id 6 --seed 0
# Validation during training (checkpoint and sampler choices) reads the val
# split, whose identities are in neither train nor test; tools/test.py reads
# the test split.
_base_ = ['./deepfashion.py']

data_root = 'data/synthfashion'
keypoint_frame = None  # the csv keypoints are in the images' own frame
# DeepFashion's pipelines without the scale jitter, downscaling the 256x176
# images with area interpolation
train_pipeline = [
    dict(step, interpolation='area') if step['type'] == 'ResizePair' else step
    for step in _base_.train_pipeline if step['type'] != 'RandomScaleCropPair'
]
test_pipeline = [
    dict(step, interpolation='area') if step['type'] == 'ResizePair' else step
    for step in _base_.test_pipeline
]
train_dataloader = dict(
    dataset=dict(data_root=data_root, keypoint_frame=keypoint_frame,
                 pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(data_root=data_root, split='val',
                 keypoint_frame=keypoint_frame, pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(data_root=data_root, split='test',
                 keypoint_frame=keypoint_frame, pipeline=test_pipeline))

# The SynthFashion benchmark's metrics that need no pretrained network
# (docs/evaluation.md): SSIM ssim_256 sigma 1.5, PSNR, L1 inside the person
# mask.
val_evaluator = [
    dict(type='SSIM', protocol='synthfashion', variant='ssim_256', sigma=1.5),
    dict(type='PSNR', protocol='synthfashion'),
    dict(type='MaskedL1', protocol='synthfashion'),
]
test_evaluator = val_evaluator
