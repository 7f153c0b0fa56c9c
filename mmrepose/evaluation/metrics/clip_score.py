"""CLIP score of generated images against their prompts (Hessel et al.
2021, as torchmetrics' ``CLIPScore``, which HumanSD reports as CLIPSIM
with ``openai/clip-vit-base-patch16``):

    score = 100 * max(cos(E_image(I), E_text(prompt)), 0)

averaged over the images; the embeddings are the CLIP model's projected
image and text features, the image prepared by the model's own image
processor (resize, centre crop, CLIP's mean/std), the prompt truncated to
the tokenizer's length. The CLIP folder is local (``CLIPModel``,
tokenizer and ``preprocessor_config.json``, as ``save_pretrained`` writes
them); nothing is downloaded.
"""
from __future__ import annotations

import os.path as osp
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmrepose.registry import METRICS
from .base import PoseTransferMetric


@METRICS.register_module()
class CLIPScore(PoseTransferMetric):
    """Mean CLIP score (module doc) of ``pred_img`` against the samples'
    ``prompt``.

    Args:
        clip_path: Local CLIP folder, e.g.
            ``pretrained/clip-vit-base-patch16``.
        device: Where the CLIP model runs.
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, clip_path: str, device: str = 'cpu', **kwargs: Any):
        super().__init__(**kwargs)
        for name in ('config.json', 'preprocessor_config.json',
                     'tokenizer_config.json'):
            if not osp.isfile(osp.join(clip_path, name)):
                raise FileNotFoundError(
                    f'CLIP folder {clip_path} has no {name} (expected a '
                    'CLIPModel saved with its tokenizer and image processor, '
                    'e.g. openai/clip-vit-base-patch16; put it there or set '
                    'clip_path)')
        from transformers import CLIPImageProcessor, CLIPModel, CLIPTokenizer
        self.model = CLIPModel.from_pretrained(
            clip_path, local_files_only=True).eval().to(device)
        self.tokenizer = CLIPTokenizer.from_pretrained(clip_path,
                                                       local_files_only=True)
        self.processor = CLIPImageProcessor.from_pretrained(
            clip_path, local_files_only=True)
        self.device = torch.device(device)

    @torch.no_grad()
    def scores(self, images: list[np.ndarray], prompts: list[str]
               ) -> np.ndarray:
        """Per-pair scores of RGB uint8 ``(H, W, 3)`` images and prompts."""
        pixels = self.processor(images=images, return_tensors='pt')
        text = self.tokenizer(prompts, padding=True, truncation=True,
                              return_tensors='pt')
        image_emb = self.model.visual_projection(self.model.vision_model(
            pixel_values=pixels['pixel_values'].to(self.device)).pooler_output)
        text_emb = self.model.text_projection(self.model.text_model(
            input_ids=text['input_ids'].to(self.device),
            attention_mask=text['attention_mask'].to(self.device)
        ).pooler_output)
        cosine = torch.nn.functional.cosine_similarity(image_emb, text_emb)
        return (100 * cosine.clamp(min=0)).cpu().numpy()

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        prompts = []
        for sample in data_samples:
            if 'prompt' not in sample.metainfo:
                raise KeyError('CLIPScore needs the samples\' prompt')
            prompts.append(sample.metainfo['prompt'])
        images = [self.image(s, 'pred_img') for s in data_samples]
        self.results.extend(float(v) for v in self.scores(images, prompts))

    def compute_metrics(self, results: list) -> dict[str, float]:
        metrics = {'clip_score': float(np.mean(results))}
        self.report(metrics, f'{len(results)} images')
        return metrics
