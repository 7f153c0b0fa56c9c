"""The benchmark's FLOP counter (tools/analysis/benchmarking.py): attention
is counted on CPU, and the per-component split sums to the total even when
one component runs another's modules (RPA encoding through the VAE)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from script_loading import load_script
from torch import nn

count_flops = load_script('tools/analysis/benchmarking.py').count_flops


class Encoder(nn.Module):  # stands for the autoencoder

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8, bias=False)

    def encode(self, x: torch.Tensor) -> torch.Tensor:  # not forward
        return self.proj(x)


class Aligner(nn.Module):  # stands for RPA: encodes, then attends

    def __init__(self, encoder: Encoder):
        super().__init__()
        self.encoder = encoder
        self.mix = nn.Linear(8, 8, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = self.mix(self.encoder.encode(x)).view(1, 2, -1, 4)  # 2 heads
        return F.scaled_dot_product_attention(q, q, q)


class Toy(nn.Module):

    def __init__(self):
        super().__init__()
        self.autoencoder = Encoder()
        self.pose_alignment = Aligner(self.autoencoder)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pose_alignment(x).sum() + self.autoencoder.encode(x).sum()


def test_attention_counted_and_split_sums_to_total():
    model, x = Toy(), torch.randn(16, 8)
    flops = count_flops(lambda: model(x), model)
    linear = 2 * 16 * 8 * 8  # one (16, 8) x (8, 8) product
    tokens, heads, dim = 16 * 8 // (2 * 4), 2, 4
    attention = 2 * (2 * heads * tokens * tokens * dim)  # QK^T and AV
    assert flops['by_component'] == {
        'autoencoder': 2 * linear,  # its own call and the aligner's
        'pose_alignment': linear + attention}
    assert flops['total'] == sum(flops['by_component'].values())


def test_diffusers_attention_counted_on_cpu():
    from diffusers.models.attention_processor import Attention
    attn = Attention(query_dim=32, heads=4, dim_head=8).eval()
    x = torch.randn(2, 10, 32)
    with torch.no_grad():
        total = count_flops(lambda: attn(x), attn)['total']
    projections = 4 * 2 * (2 * 10 * 32 * 32)  # q, k, v, out
    core = 2 * (2 * 2 * 4 * 10 * 10 * 8)  # QK^T and AV, batch 2, 4 heads
    assert total == projections + core
