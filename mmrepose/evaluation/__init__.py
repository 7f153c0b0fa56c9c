"""Evaluation of pose-guided person image synthesis under the field's
protocols: presets that reproduce PIDM's, GFLA's, CFLD's and PCDMs' metric
code, and a ``standard`` one (:mod:`.protocols`, ``docs/evaluation.md``)."""
from .metrics import *  # noqa: F401,F403
from .protocols import PROTOCOLS, EvalProtocol, get_protocol
from .results import default_results_path, write_results_json

__all__ = [
    'PROTOCOLS', 'EvalProtocol', 'get_protocol', 'default_results_path',
    'write_results_json', 'FID', 'SSIM', 'LPIPS', 'PSNR', 'MaskedL1',
    'PoseAccuracy'
]
