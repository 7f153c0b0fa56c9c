# RePoseDM on DeepFashion 512x352 (latent space; 8 GPUs x batch 8).
#   tools/dist_train.sh configs/repose/deepfashion_512.py 8
# Today this is the B1 model: RPA (#5) and PIF guidance (#6) are switched on
# here when they land.
_base_ = ['./deepfashion_512_b1.py']
