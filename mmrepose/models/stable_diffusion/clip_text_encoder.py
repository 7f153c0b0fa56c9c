"""The text condition of RePoseSD: Stable Diffusion's frozen CLIP text
encoder (Sec. 4.4; method.md sec. 5).

A prompt is tokenised to the tokenizer's fixed length (77 for SD 2.1) and
encoded to the text encoder's last hidden state, the ``(B, L, D)`` tokens
the U-Net cross-attends to (SD 2.x's text encoder folder already stops at
the layer SD uses).
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS
from .folder import require_part


@MODELS.register_module()
class CLIPTextEncoder(nn.Module):
    """Frozen ``transformers`` CLIP text model + tokenizer from local
    folders.

    Args:
        text_encoder: Folder of the ``CLIPTextModel`` (``text_encoder/`` of
            a Stable Diffusion folder).
        tokenizer: Folder of the ``CLIPTokenizer`` (``tokenizer/``).
    """

    def __init__(self, text_encoder: str, tokenizer: str):
        super().__init__()
        from transformers import CLIPTextModel, CLIPTokenizer
        self.tokenizer = CLIPTokenizer.from_pretrained(
            require_part(tokenizer, 'tokenizer'), local_files_only=True)
        self.model = CLIPTextModel.from_pretrained(
            require_part(text_encoder, 'text_encoder'), local_files_only=True)
        self.model.requires_grad_(False).eval()

    @property
    def context_dim(self) -> int:
        return int(self.model.config.hidden_size)

    def train(self, mode: bool = True) -> 'CLIPTextEncoder':
        super().train(mode)
        self.model.eval()  # frozen: always in eval mode
        return self

    @torch.no_grad()
    def forward(self, prompts: list[str]) -> Tensor:
        """``(B, L, D)`` text tokens of ``prompts``."""
        if isinstance(prompts, str) or not all(
                isinstance(p, str) for p in prompts):
            raise TypeError('prompts must be a list of strings')
        ids = self.tokenizer(
            list(prompts), padding='max_length', truncation=True,
            max_length=self.tokenizer.model_max_length,
            return_tensors='pt').input_ids
        device = next(self.model.parameters()).device
        return self.model(ids.to(device)).last_hidden_state
