# DeepFashion In-shop, PATN/GFLA csv layout (docs/data.md):
#   data/deepfashion/{train,test}/<flattened name>.jpg (256x176; the
#   512x352 images in {train,test}_512/, set by the 512 configs)
#   data/deepfashion/fasion-resize-{annotation,pairs}-{train,test}.csv
# 101,966 train / 8,570 test pairs. For the NTED/PIDM txt layout set
# ann_format='nted' on the datasets (see DeepFashionPoseDataset).
dataset_type = 'DeepFashionPoseDataset'
data_root = 'data/deepfashion'
keypoint_frame = (256, 176)  # the csv keypoints' frame

# The pipelines of every DeepFashion config. ResizePair's scale and
# GeneratePoseEncoding's encoding are the config's: its image_size and its
# model's pose_encoding, set when the config is read
# (mmrepose/utils/config.py).
train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair'),
    dict(type='RandomScaleCropPair', scale_param=0.05),
    dict(type='RandomFlipPair', prob=0.5),
    dict(type='GeneratePoseEncoding', keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
test_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair'),
    dict(type='GeneratePoseEncoding', keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    # DefaultSampler that can start an epoch part-way (fast, exact resume)
    sampler=dict(type='ResumableSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 keypoint_frame=keypoint_frame, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 keypoint_frame=keypoint_frame, test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader

# The PIDM protocol (docs/evaluation.md): torchvision Inception FID against the
# whole training set (last partial batch of 64 dropped), SSIM ssim_256 with
# sigma 1.2, LPIPS AlexNet on [-1, 1]. Weights are local files: nothing is
# downloaded (tools/evaluate_folder.py --protocol gfla|cfld for the others).
inception_weights = 'pretrained/inception_v3_google-0cc3c7bd.pth'
alexnet_weights = 'pretrained/alexnet-owt-7be5be79.pth'
val_evaluator = [
    dict(type='FID', protocol='pidm', real_set=data_root + '/train',
         inception_weights=inception_weights, use_fid_inception=False,
         drop_last_partial_batch=True, batch_size=64),
    dict(type='SSIM', protocol='pidm', variant='ssim_256', sigma=1.2),
    dict(type='LPIPS', protocol='pidm', alexnet_weights=alexnet_weights),
]
test_evaluator = val_evaluator
