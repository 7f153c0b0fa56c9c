# RePoseDM on DeepFashion 256x176 (latent space; 8 GPUs x batch 8, 300k
# iterations; the README's training command):
#   tools/dist_train.sh configs/repose/deepfashion_256.py 8
# Today this is the B1 model: Recurrent Pose Alignment (issue #5) and PIF
# gradient guidance (issue #6) are switched on in this file when they land.
_base_ = ['./deepfashion_256_b1.py']
