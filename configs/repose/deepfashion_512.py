# RePoseDM on DeepFashion 512x352 (latent space; 8 GPUs x batch 8).
#   tools/dist_train.sh configs/repose/deepfashion_512.py 8
# Today this is B2 (Recurrent Pose Alignment); PIF guidance (#6) is switched
# on here when it lands.
_base_ = ['./deepfashion_512_b2.py']
