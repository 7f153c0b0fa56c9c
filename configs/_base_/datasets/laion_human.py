# LAION-Human as HumanSD distributes it (docs/reposesd.md): images, captions
# and HumanSD's estimated poses, under data/laion_human/ with
# mapping_file_training.json ({idx: {img_path, prompt, pose_path}}). Poses
# are read per image (keypoints scored above 0.02, as HumanSD); images are
# resized to a shorter side of 512 and randomly cropped to 512x512.
train_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='ResumableSampler', shuffle=True),
    dataset=dict(
        type='LaionHumanDataset', data_root='data/laion_human', split='train',
        skip_invalid=True,
        pipeline=[
            dict(type='LoadPeoplePose', min_score=0.02),
            dict(type='LoadPairFromFile'),
            dict(type='ResizeShortSideCrop', size=512, random_crop=True),
            dict(type='GeneratePoseEncoding', keys=('target',)),
            dict(type='PackPoseTransferInputs'),
        ]))
