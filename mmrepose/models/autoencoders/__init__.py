from .identity_autoencoder import IdentityAutoencoder
from .latent_autoencoder_kl import LatentAutoencoderKL
from .tiny_latent_decoder import TinyLatentDecoder

__all__ = ['IdentityAutoencoder', 'LatentAutoencoderKL', 'TinyLatentDecoder']
