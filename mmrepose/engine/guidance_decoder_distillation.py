"""Distilling PIF's guidance decoder from the model's own VAE.

:class:`~mmrepose.models.autoencoders.TinyLatentDecoder` replaces the VAE
decoder inside PIF's gradient (Eqs. 12-16). It learns to reproduce the exact
decoder's output on the latents the guidance will see: the training images'
latents and x0 estimates, which early in sampling are blurred and noisy
versions of them (:func:`x0_estimate_like`). The loss is the L1 distance of
the two decoders' images, plus, with a ``gradient_weight``, the relative
squared distance of their vector-Jacobian products ``J^T v`` for image-space
directions ``v`` (PIF's own image gradient when the caller gives its energy,
else smooth random fields): images that match do not make Jacobians that
match, and the guidance only uses the Jacobian.

What matters for guidance is the gradient, so :func:`decoder_agreement`
measures, besides the PSNR of the two images, the cosine between the two
decoders' gradients of one energy with respect to the latent: PIF's own
energy when the caller gives it, else the projection of the image onto a
smooth random field (pose heatmaps are smooth, so their gradients are too).
"""
from __future__ import annotations

import io
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .atomic_local_backend import write_atomically

#: ``(images (B, 3, H, W) in [-1, 1]) -> (B,) energies``, differentiable
EnergyFn = Callable[[Tensor], Tensor]


def x0_estimate_like(latents: Tensor, generator: torch.Generator) -> Tensor:
    """Latents as a denoiser's x0 estimate might be at a random step: each
    sample mixed with a 4x average-pooled (blurred) copy of itself by a
    weight in [0, 1] and given Gaussian noise of up to half its std; a
    quarter of the batch is kept clean."""
    b = latents.shape[0]

    def uniform(*shape: int) -> Tensor:
        return torch.rand(*shape, generator=generator).to(latents)

    size = latents.shape[-2:]
    blurred = F.interpolate(F.avg_pool2d(latents, 4, ceil_mode=True),
                            size=size, mode='bilinear', align_corners=False)
    mix = uniform(b, 1, 1, 1)
    noise_std = 0.5 * uniform(b, 1, 1, 1) * latents.std(dim=(1, 2, 3),
                                                        keepdim=True)
    noise = torch.randn(latents.shape, generator=generator).to(latents)
    degraded = (1 - mix) * latents + mix * blurred + noise_std * noise
    clean = uniform(b, 1, 1, 1) < 0.25
    return torch.where(clean, latents, degraded)


def smooth_field(like: Tensor, generator: torch.Generator,
                 cells: int = 8) -> Tensor:
    """Smooth random fields shaped like ``like``: ``cells`` x ``cells``
    Gaussian values per channel, bilinearly upsampled."""
    field = torch.randn(like.shape[0], like.shape[1], cells, cells,
                        generator=generator).to(like)
    return F.interpolate(field, size=like.shape[-2:], mode='bilinear',
                         align_corners=False)


def smooth_field_energy(images: Tensor, seed: int = 0,
                        cells: int = 8) -> Tensor:
    """``(B,)`` projections of ``images`` onto fixed smooth random fields
    (:func:`smooth_field` of ``seed``)."""
    field = smooth_field(images, torch.Generator().manual_seed(seed), cells)
    return (field * images).flatten(1).mean(1)


def latent_gradient(energy: EnergyFn, decode: Callable[[Tensor], Tensor],
                    latents: Tensor) -> Tensor:
    """``d sum_b energy(decode(z))_b / dz`` at ``latents``."""
    with torch.enable_grad():
        z = latents.detach().requires_grad_(True)
        (grad, ) = torch.autograd.grad(energy(decode(z)).sum(), z)
    return grad


@torch.no_grad()
def decoder_agreement(exact: Callable[[Tensor], Tensor], tiny: nn.Module,
                      latents: Tensor,
                      energy: EnergyFn | None = None) -> dict[str, float]:
    """How closely ``tiny`` stands in for ``exact`` on ``latents``:
    ``psnr_db`` of its images against the exact ones (peak 2, images in
    [-1, 1]) and ``gradient_cosine``, the mean per-sample cosine of the two
    latent gradients of ``energy`` (default :func:`smooth_field_energy`)."""
    energy = energy or smooth_field_energy
    reference, approximation = exact(latents), tiny(latents)
    mse = (approximation - reference).square().flatten(1).mean(1)
    psnr = 10 * torch.log10(4.0 / mse.clamp_min(1e-12))
    g_exact = latent_gradient(energy, exact, latents).flatten(1)
    g_tiny = latent_gradient(energy, tiny, latents).flatten(1)
    cosine = F.cosine_similarity(g_exact, g_tiny, dim=1)
    return dict(psnr_db=float(psnr.mean()),
                gradient_cosine=float(cosine.mean()))


def image_directions(exact: Callable[[Tensor], Tensor], latents: Tensor,
                     generator: torch.Generator,
                     energy: EnergyFn | None = None) -> Tensor:
    """The image-space directions ``v`` whose vector-Jacobian products the
    gradient term matches: ``d energy / d image`` at ``exact(latents)``, or
    :func:`smooth_field` s when there is no energy."""
    with torch.no_grad():
        images = exact(latents)
    if energy is None:
        return smooth_field(images, generator)
    with torch.enable_grad():
        images.requires_grad_(True)
        (direction, ) = torch.autograd.grad(energy(images).sum(), images)
    return direction


def vector_jacobian_product(decode: Callable[[Tensor], Tensor],
                            latents: Tensor, directions: Tensor,
                            create_graph: bool = False) -> Tensor:
    """``J^T v``: ``d sum(decode(z) * v) / dz`` at ``latents``."""
    with torch.enable_grad():
        z = latents.detach().requires_grad_(True)
        (product, ) = torch.autograd.grad((decode(z) * directions).sum(), z,
                                          create_graph=create_graph)
    return product


def distillation_step(exact: Callable[[Tensor], Tensor], tiny: nn.Module,
                      optimizer: torch.optim.Optimizer, latents: Tensor,
                      generator: torch.Generator, gradient_weight: float = 0.0,
                      energy: EnergyFn | None = None) -> dict[str, float]:
    """One optimizer step on ``z'`` = :func:`x0_estimate_like`
    ``(latents)`` of ``L1(tiny(z'), exact(z'))`` plus ``gradient_weight``
    x the mean over samples of ``|J_tiny^T v - J_exact^T v|^2 /
    |J_exact^T v|^2`` (``v`` from :func:`image_directions` with
    ``energy``); returns the terms (``l1``, and ``gradient`` with a
    weight)."""
    inputs = x0_estimate_like(latents, generator)
    with torch.no_grad():
        target = exact(inputs)
    l1 = F.l1_loss(tiny(inputs), target)
    terms = dict(l1=l1)
    if gradient_weight > 0:
        directions = image_directions(exact, inputs, generator, energy)
        reference = vector_jacobian_product(exact, inputs, directions)
        product = vector_jacobian_product(tiny, inputs, directions,
                                          create_graph=True)
        error = (product - reference).flatten(1).square().sum(1)
        scale = reference.flatten(1).square().sum(1).clamp_min(1e-12)
        terms['gradient'] = (error / scale).mean()
    loss = l1 + gradient_weight * terms.get('gradient', 0.0)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return {name: float(value.detach()) for name, value in terms.items()}


def save_guidance_decoder(tiny: nn.Module, path: str, architecture: dict,
                          meta: dict) -> None:
    """Write the file ``TinyLatentDecoder(checkpoint=path)`` loads
    (``state_dict``, ``architecture``, ``meta``), atomically."""
    buffer = io.BytesIO()
    torch.save(dict(state_dict=tiny.state_dict(), architecture=architecture,
                    meta=meta), buffer)
    write_atomically(buffer.getvalue(), path)
