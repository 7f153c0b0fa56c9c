"""Person re-identification for the augmentation application (RePoseDM
Fig. 8): the Market-1501 evaluation protocol."""
from .evaluation import distance_matrix, reid_scores

__all__ = ['distance_matrix', 'reid_scores']
