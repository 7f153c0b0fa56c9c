from .identity_autoencoder import IdentityAutoencoder
from .latent_autoencoder_kl import LatentAutoencoderKL

__all__ = ['IdentityAutoencoder', 'LatentAutoencoderKL']
