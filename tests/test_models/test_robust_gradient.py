"""PIF's options against adversarial drift (mmrepose/models/guidance/
robust_gradient.py): shifted views and the low-passed gradient, against a
hand-made shift, scipy's Gaussian filter and the plain energy."""
import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from mmrepose.models import PoseInteractionField
from mmrepose.models.guidance.robust_gradient import (gaussian_blur,
                                                      shifted_views)
from test_pose_interaction_field import BlobEstimator, blob_image, nose_at


def test_shifted_views_move_images_and_keypoints_together():
    images = torch.rand(2, 3, 8, 6)
    keypoints = torch.tensor([[[2.0, 3.0], [-1.0, -1.0]],
                              [[5.0, 7.0], [0.0, 0.0]]])
    views, points = shifted_views(images, keypoints, 2)
    assert views.shape == (10, 3, 8, 6) and points.shape == (10, 2, 2)
    assert torch.equal(views[:2], images)
    right = views[2:4]  # view 1: moved 2 px right, left edge repeated
    assert torch.equal(right[..., 2:], images[..., :-2])
    assert torch.equal(right[..., 0], images[..., 0])
    up = views[8:10]  # view 4: moved 2 px up
    assert torch.equal(up[..., :-2, :], images[..., 2:, :])
    assert points[2, 0].tolist() == [4.0, 3.0]
    assert points[8, 0].tolist() == [2.0, 1.0]
    assert points[2, 1].tolist() == [-1.0, -1.0]  # missing stays missing
    assert points[3, 1].tolist() == [2.0, 0.0]


@pytest.mark.parametrize('sigma', [0.7, 1.5])
def test_gaussian_blur_matches_scipy(sigma):
    x = torch.rand(2, 3, 16, 12, dtype=torch.float64)
    ours = gaussian_blur(x, sigma).numpy()
    ref = np.stack([[gaussian_filter(c, sigma, mode='mirror', truncate=3.0)
                     for c in img] for img in x.numpy()])
    if int(3 * sigma + 0.5) == int(np.ceil(3 * sigma)):  # same radius
        np.testing.assert_allclose(ours, ref, atol=1e-12)
    else:
        np.testing.assert_allclose(ours, ref, atol=2e-3)
    assert gaussian_blur(x, 0) is x
    with pytest.raises(ValueError, match='gradient_blur'):
        gaussian_blur(x, -1)


def test_view_shift_energy_is_the_mean_over_views_and_blur_smooths_g():
    field = PoseInteractionField(BlobEstimator())
    image = blob_image(12, 14)
    target = nose_at(20, 16)
    grad, energy = field.energy_and_gradient(image, lambda x: x, target,
                                             view_shift=2)
    views, points = shifted_views(image, target, 2)
    assert torch.allclose(energy, field.energy(views, points).mean())
    plain, _ = field.energy_and_gradient(image, lambda x: x,
                                                    target)
    assert not torch.allclose(grad, plain)
    # the same gradient, low-passed: smoother, and still descends G
    smooth, _ = field.energy_and_gradient(image, lambda x: x, target,
                                          gradient_blur=2.0)
    assert torch.allclose(smooth, gaussian_blur(plain, 2.0))
    tv = lambda g: (g[..., 1:, :] - g[..., :-1, :]).abs().sum()  # noqa: E731
    assert tv(smooth) < tv(plain)
    assert (smooth * plain).sum() > 0  # a descent direction of G
    with pytest.raises(ValueError, match='view_shift'):
        field.energy_and_gradient(image, lambda x: x, target,
                                  target_images=image, mode='feature',
                                  view_shift=1)


def test_sample_cfg_reaches_the_sampler_callback():
    field = PoseInteractionField(BlobEstimator(),
                                 sample_cfg=dict(view_shift=1,
                                                 gradient_blur=1.0))
    guidance = field.guidance_fn(None, lambda x: x, nose_at(20, 16), 1.0,
                                 1.0, gradient_blur=0.5)
    image = blob_image(12, 14)
    grad, energy = guidance.energy_and_gradient(image, lambda x: x,
                                                nose_at(20, 16))
    expected = field.energy_and_gradient(image, lambda x: x,
                                         nose_at(20, 16), view_shift=1,
                                         gradient_blur=0.5)
    assert torch.equal(grad, expected[0])
    with pytest.raises(ValueError, match='gradient_blur'):
        PoseInteractionField(BlobEstimator(),
                             sample_cfg=dict(gradient_blur=-1.0))
