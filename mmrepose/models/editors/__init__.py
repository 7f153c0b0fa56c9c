from .repose_dm import RePoseDM

__all__ = ['RePoseDM']
