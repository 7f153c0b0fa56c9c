# SynthFashion's COCO keypoint json (17 COCO keypoints, one person per
# image), written by tools/dataset_converters/make_synthfashion.py. The
# configs add data_mode and the pipeline.
default_scope = 'mmpose'

dataset_type = 'CocoDataset'
data_root = 'data/synthfashion/'
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/synthfashion_keypoints_train.json',
        data_prefix=dict(img='train/'),
    ))

# Evaluation is tools/analysis/eval_pose_estimator.py (PCK@0.1 and mean
# keypoint error on the test split, as mmrepose's PoseAccuracy metric).
test_split = dict(
    ann_file='annotations/synthfashion_keypoints_test.json',
    img_dir='test/')
