from .source_appearance_encoder import SourceAppearanceEncoder

__all__ = ['SourceAppearanceEncoder']
