"""Named evaluation presets: each codebase's metric code, reproduced.

Numbers are only comparable under one protocol, and the public codebases
differ in ways that move FID by a factor of 3.5 (evaluation.md). Each preset
sets every choice the way its reference code makes it, so that mmrepose
gives that code's numbers on the same images and weights; the parity tests
(``tests/test_evaluation/test_reference_parity.py``) check this against
the reference code itself, and ``docs/evaluation.md`` lists each choice
with the line of the reference it follows.

- ``pidm``: PIDM ``utils/metrics.py``;
- ``gfla``: GFLA ``script/metrics.py`` (LPIPS: PerceptualSimilarity);
- ``cfld``: CFLD ``models/metrics.py`` with ``pose_transfer_test.py`` and
  ``FidRealDeepFashion``;
- ``pcdms``: PCDMs ``caculate_metrics_256.py`` / ``metrics.py``;
- ``standard``: what is correct by current practice (pytorch-fid: TF-FID
  Inception, [-1, 1] inputs, every image), recommended for new numbers.

Metric options left unset take the value of the metric's named preset, or
of ``standard`` for any other protocol name (:func:`preset_value`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class EvalProtocol:
    """One codebase's evaluation choices (see module doc).

    Attributes:
        name: Preset name (the metric keys' prefix).
        source: The reference code it reproduces.
        use_fid_inception: TF-FID Inception weights (else torchvision's).
        inception_input: Inception input scaling
            (:data:`..functional.inception.INCEPTION_INPUTS`).
        drop_last: FID and LPIPS drop the last partial batch.
        fid_batch_size: FID's batch (the drop rule's).
        lpips_batch_size: LPIPS's batch (the drop rule's).
        listing: How folders are listed: FID's real set and the order of
            the generated images for FID's drop rule
            (:data:`..functional.listing.LISTINGS`); LPIPS drops in sorted
            file-name order.
        pred_resize: How generated images of another size are brought to
            the evaluation size (:data:`..functional.images.RESIZE_METHODS`);
            None: they must have it.
        real_resize: How ground-truth and real-set images of another size
            are; None: used as stored (FID real set) / must match.
        ssim_at_stored_size: SSIM and PSNR see the images as stored, never
            resized (PIDM: its SSIM reads the files directly).
        ssim_sigma: Gaussian sigma of ``ssim_256``.
        lpips_input: ``'signed'`` ([-1, 1], as LPIPS expects) or ``'unit'``
            ([0, 1], PCDMs' bug).
        fid_method: ``'sqrtm'`` (``scipy.linalg.sqrtm`` as every reference;
            inexact when fewer than 2048 images) or ``'exact'``.
    """
    name: str
    source: str
    use_fid_inception: bool
    inception_input: str
    drop_last: bool
    listing: str
    pred_resize: str | None
    real_resize: str | None
    ssim_sigma: float
    fid_batch_size: int = 64
    lpips_batch_size: int = 64
    ssim_at_stored_size: bool = False
    lpips_input: str = 'signed'
    fid_method: str = 'sqrtm'

    def describe(self) -> str:
        """One line naming the preset and every choice it makes."""
        inception = 'TF-FID' if self.use_fid_inception else 'torchvision'
        drop = (f'drop last partial batch (FID {self.fid_batch_size}, LPIPS '
                f'{self.lpips_batch_size})' if self.drop_last
                else 'all images')
        return (f'{self.name} ({self.source}): FID {inception} Inception, '
                f'{self.inception_input} inputs, {self.fid_method}; {drop}; '
                f'listing {self.listing}; SSIM win51 and ssim_256 sigma '
                f'{self.ssim_sigma:g}'
                + (' at the stored size' if self.ssim_at_stored_size else '')
                + f'; LPIPS alex, {self.lpips_input} inputs; other sizes: '
                f'generated {self.pred_resize or "not resized"}, real '
                f'{self.real_resize or "not resized"}')

    def metrics(self, real_set: str | dict | None = None,
                masked: bool = False, random_weights: bool = False,
                inception_weights: str | None = None,
                alexnet_weights: str | None = None,
                device: str | None = None, cache_dir: str | None = None,
                size: tuple[int, int] | None = None,
                resize: str | None = None,
                fid_method: str | None = None,
                which: tuple[str, ...] = ('fid', 'lpips', 'ssim', 'psnr')
                ) -> list[dict]:
        """Metric configs of the preset (for an mmengine evaluator).

        Args:
            real_set: FID's real set (folder or dataset config); None: the
                evaluated ground-truth images.
            masked: Add the Market-1501 mask-SSIM and mask-LPIPS.
            random_weights: Random Inception and AlexNet weights (scores
                labelled not comparable).
            inception_weights: Path of the Inception weights file.
            alexnet_weights: Path of the AlexNet weights file.
            device: Where Inception and AlexNet run.
            cache_dir: FID real-set statistics cache (default: FID's).
            size: Evaluation size ``(H, W)``; None: the ground truth's.
            resize: Override of both resize methods (reported as such).
            fid_method: Override of the Fréchet distance method.
            which: The metric families to build (``'ssim'``: both SSIM
                variants; ``'ssim_win51'`` or ``'ssim_256'``: one).
        """
        common: dict[str, Any] = dict(protocol=self.name, size=size)
        if resize is not None:
            common.update(pred_resize=resize, real_resize=resize)
        cfgs: list[dict] = []
        if 'fid' in which:
            fid = dict(type='FID', real_set=real_set,
                       inception_weights=inception_weights,
                       random_weights=random_weights, device=device,
                       method=fid_method, **common)
            if cache_dir is not None:
                fid['cache_dir'] = cache_dir
            cfgs.append(fid)
        for mask in (False, True) if masked else (False,):
            for variant, family in (('ssim', 'ssim_win51'),
                                    ('ssim_256', 'ssim_256')):
                if 'ssim' in which or family in which:
                    cfgs.append(dict(type='SSIM', variant=variant,
                                     masked=mask, **common))
            if 'lpips' in which:
                cfgs.append(dict(type='LPIPS', alexnet_weights=alexnet_weights,
                                 random_backbone=random_weights, masked=mask,
                                 device=device, **common))
        if 'psnr' in which:
            cfgs.append(dict(type='PSNR', **common))
        return cfgs

    def to_dict(self) -> dict:
        return asdict(self)


PROTOCOLS: dict[str, EvalProtocol] = {
    p.name: p for p in (
        EvalProtocol('pidm', 'PIDM utils/metrics.py @e4f1d88', False,
                     'imagenet-std', True, 'pathlib-glob',
                     'cv2-linear-float', 'cv2-linear-float', 1.2,
                     ssim_at_stored_size=True),
        EvalProtocol('gfla', 'GFLA script/metrics.py @3afa8fe', False,
                     'imagenet-std', True, 'pathlib-glob', None, None, 1.5),
        EvalProtocol('cfld', 'CFLD models/metrics.py, pose_transfer_test.py '
                     '@f2ea2a7', False, 'imagenet-std', False, 'glob-jpg',
                     'torch-bicubic-aa-trunc', 'pil-bicubic', 1.5),
        EvalProtocol('pcdms', 'PCDMs caculate_metrics_256.py @b3a46fb', False,
                     'imagenet-std', True, 'pathlib-glob', 'cv2-cubic-float',
                     'cv2-cubic-float', 1.2, fid_batch_size=128,
                     lpips_input='unit'),
        EvalProtocol('standard', 'pytorch-fid 0.3.0 FID, skimage SSIM, lpips '
                     '0.1.4', True, 'signed', False, 'sorted', 'pil-bicubic',
                     'pil-bicubic', 1.5),
    )
}
#: The preset whose values metrics of any other protocol name take.
DEFAULT_PRESET = 'standard'
PRESET_OPTIONS = tuple(f.name for f in fields(EvalProtocol))


def get_protocol(name: str) -> EvalProtocol:
    """The preset called ``name``; a clear error listing the known ones."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise KeyError(f'unknown evaluation protocol {name!r}; known: '
                       f'{", ".join(PROTOCOLS)}') from None


def preset_value(protocol: str | None, option: str, value: Any = None
                 ) -> Any:
    """``value`` if given, else ``option`` of the preset named
    ``protocol``, or of :data:`DEFAULT_PRESET` for another name."""
    if value is not None:
        return value
    if option not in PRESET_OPTIONS:
        raise KeyError(f'{option!r} is not a preset option')
    preset = PROTOCOLS.get(protocol or '', PROTOCOLS[DEFAULT_PRESET])
    return getattr(preset, option)
