# Human-Art (docs/reposesd.md): HumanSD's and RePoseSD's evaluation set,
# images with captions and the COCO-17 keypoints of every person, read from
#   data/humanart/HumanArt/images/...  and
#   data/humanart/HumanArt/annotations/validation_humanart.json
# Each image is resized so its shorter side is 512 and centre-cropped to
# 512x512 (HumanSD's size); every person's skeleton is drawn on one pose
# image.
human_art_root = 'data/humanart'
human_art_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizeShortSideCrop', size=512),
    dict(type='GeneratePoseEncoding', keys=('target',)),
    dict(type='PackPoseTransferInputs'),
]
val_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='HumanArtDataset', data_root=human_art_root,
                 split='val', test_mode=True, pipeline=human_art_pipeline))
test_dataloader = val_dataloader
