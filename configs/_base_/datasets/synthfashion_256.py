# SynthFashion (procedural people with ground truth, in DeepFashion's csv
# layout), 256x176. Generate it first:
#   python tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
#       --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
#       --poses-per-id 6 --seed 0
# Validation during training (checkpoint and sampler choices) reads the val
# split, whose identities are in neither train nor test; tools/test.py reads
# the test split.
_base_ = ['./deepfashion_256.py']

data_root = 'data/synthfashion'
train_dataloader = dict(
    dataset=dict(data_root=data_root, keypoint_frame=None))
val_dataloader = dict(
    dataset=dict(data_root=data_root, split='val', keypoint_frame=None))
test_dataloader = dict(
    dataset=dict(data_root=data_root, split='test', keypoint_frame=None))

# The SynthFashion benchmark's metrics that need no pretrained network
# (benchmarks.md): SSIM ssim_256 sigma 1.5, PSNR, L1 inside the person mask.
val_evaluator = [
    dict(type='SSIM', protocol='synthfashion', variant='ssim_256', sigma=1.5),
    dict(type='PSNR', protocol='synthfashion'),
    dict(type='MaskedL1', protocol='synthfashion'),
]
test_evaluator = val_evaluator
