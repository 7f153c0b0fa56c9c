# RePoseDM on DeepFashion 256x176 (latent space; 8 GPUs x batch 8, 300k
# iterations; the README's training command):
#   tools/dist_train.sh configs/repose/deepfashion_256.py 8
# Today this is B2 (Recurrent Pose Alignment); PIF gradient guidance
# (issue #6) is switched on in this file when it lands.
_base_ = ['./deepfashion_256_b2.py']
