# RePoseDM ablation B1 (PIDM-like: CNN source encoder, no RPA, no PIF) on
# DeepFashion 256x176, latent space, the paper's settings:
# 8 GPUs x batch 8, AdamW 1e-4, 300k iterations, EMA 0.9999, DDIM-100 + CFG 2.
#   tools/dist_train.sh configs/repose/deepfashion_256_b1.py 8
_base_ = [
    '../_base_/datasets/deepfashion_256.py',
    '../_base_/models/repose_b1_latent.py',
    '../_base_/schedules/adamw_300k.py', '../_base_/default_runtime.py'
]

# latent mode: the pose input is the RGB skeleton image, encoded by the VAE
train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(176, 256)),
    dict(type='RandomScaleCropPair', scale_param=0.05),
    dict(type='RandomFlipPair', prob=0.5),
    dict(type='GeneratePoseEncoding', encoding='skeleton_rgb',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
test_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(176, 256)),
    dict(type='GeneratePoseEncoding', encoding='skeleton_rgb',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
