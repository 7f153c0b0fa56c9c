# RPA's warp space on a trained latent model (docs/speed.md): warping the
# encoding (one VAE pass) against re-encoding the warped image at each RPA
# iteration, at the ablation's settings and scoring (./synthfashion_64.py),
# one seed. B2 in the small SynthFashion autoencoder's latent space
# (synthfashion_64_latent_b2.py). Needs the small autoencoder:
#   python tools/analysis/train_small_vae.py configs/repose/synthfashion_64.py \
#       --out work_dirs/small_vae --channels 32,64,64 --iters 1500 --batch 8
#   python tools/analysis/run_ablation.py configs/ablation/synthfashion_64_latent.py
_base_ = ['./synthfashion_64.py']

work_root = 'work_dirs/ablation_synthfashion_64_latent'
seeds = [0]
variants = dict(
    _delete_=True,
    warp_image=dict(config='configs/repose/synthfashion_64_latent_b2.py'),
    warp_encoding=dict(
        config='configs/repose/synthfashion_64_latent_b2.py',
        options={'model.pose_alignment.warp_space': 'encoding'}),
)
evaluation = dict(grid_variants=['warp_image', 'warp_encoding'])
comparisons = [('warp_encoding', 'warp_image')]
# 2,500 iterations (the pixel ablation's 4,000 did not fit two runs in a
# session on the 2-core build machine); the rest of its training options
train_options = {'train_cfg.max_iters': 2500}
