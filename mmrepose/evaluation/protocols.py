"""Named evaluation protocols: the metric options of each codebase.

Numbers are only comparable under one protocol; the public codebases differ
in ways that move FID by about a point (evaluation.md). Each preset sets the
options the way its codebase does:

- ``pidm``: torchvision (ImageNet) Inception, drop the last partial batch
  of 64, ``ssim_256`` sigma 1.2, other sizes resized with ``cv2.resize``
  (bilinear);
- ``gfla``: torchvision Inception, drop the last partial batch of 64,
  ``ssim_256`` sigma 1.5, images generated at the benchmark size;
- ``cfld``: torchvision Inception, all images, ``ssim_256`` sigma 1.5,
  other sizes resized bicubic with antialiasing.

All use LPIPS AlexNet on [-1, 1] images and, for DeepFashion, the whole
training set as FID's real set. Sources: PIDM ``utils/metrics.py``, GFLA
``script/metrics.py``, CFLD's evaluation code (``FidRealDeepFashion``).
Market-1501 adds mask-SSIM and mask-LPIPS (``masked=True``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class EvalProtocol:
    """One codebase's evaluation settings (see module doc).

    ``resize`` is how generated images of another size than the ground
    truth are brought to it (:data:`..functional.images.RESIZE_METHODS`);
    None: the protocol scores only images generated at the benchmark size.
    """
    name: str
    source: str
    use_fid_inception: bool
    drop_last_partial_batch: bool
    ssim_sigma: float
    resize: str | None
    fid_batch_size: int = 64
    ssim_variant: str = 'ssim_256'

    def describe(self) -> str:
        """One line naming the protocol and its settings."""
        inception = 'TF-FID' if self.use_fid_inception else 'torchvision'
        images = (f'drop last partial batch of {self.fid_batch_size}'
                  if self.drop_last_partial_batch else 'all images')
        return (f'{self.name} ({self.source}): FID {inception} Inception, '
                f'{images}; SSIM {self.ssim_variant} sigma '
                f'{self.ssim_sigma:g}; LPIPS alex [-1, 1]; other sizes: '
                f'{self.resize or "not resized (must match)"}')

    def metrics(self, real_set: str | dict | None = None,
                masked: bool = False, random_weights: bool = False,
                inception_weights: str | None = None,
                alexnet_weights: str | None = None,
                device: str | None = None, cache_dir: str | None = None,
                resolution: tuple[int, int] | None = None) -> list[dict]:
        """Metric configs of the protocol (for an mmengine evaluator).

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
            resolution: FID real-set image size (default: their own).
        """
        fid = dict(type='FID', protocol=self.name, real_set=real_set,
                   use_fid_inception=self.use_fid_inception,
                   inception_weights=inception_weights,
                   random_weights=random_weights,
                   drop_last_partial_batch=self.drop_last_partial_batch,
                   batch_size=self.fid_batch_size, device=device,
                   resolution=resolution)
        if cache_dir is not None:
            fid['cache_dir'] = cache_dir
        cfgs = [fid]
        for mask in (False, True) if masked else (False,):
            cfgs.append(dict(type='SSIM', protocol=self.name,
                             variant=self.ssim_variant,
                             sigma=self.ssim_sigma, masked=mask))
            cfgs.append(dict(type='LPIPS', protocol=self.name,
                             alexnet_weights=alexnet_weights,
                             random_backbone=random_weights, masked=mask,
                             device=device))
        return cfgs

    def to_dict(self) -> dict:
        return asdict(self)


PROTOCOLS: dict[str, EvalProtocol] = {
    p.name: p for p in (
        EvalProtocol('pidm', 'PIDM utils/metrics.py', False, True, 1.2,
                     'cv2-bilinear'),
        EvalProtocol('gfla', 'GFLA script/metrics.py', False, True, 1.5,
                     None),
        EvalProtocol('cfld', 'CFLD evaluation (FidRealDeepFashion)', False,
                     False, 1.5, 'bicubic-antialias'),
    )
}


def get_protocol(name: str) -> EvalProtocol:
    """The preset called ``name``; a clear error listing the known ones."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise KeyError(f'unknown evaluation protocol {name!r}; known: '
                       f'{", ".join(PROTOCOLS)}') from None
