"""Person re-identification for the augmentation application (RePoseDM
Fig. 8): Market-1501 names, the plan of a generated training set, and the
Market-1501 evaluation protocol."""
from .augmentation_plan import PlannedImage, plan_generation, real_subset
from .evaluation import distance_matrix, reid_scores
from .market_names import (GENERATED_SEQUENCE, MarketName, generated_name,
                           parse_market_name)

__all__ = [
    'distance_matrix', 'reid_scores', 'MarketName', 'parse_market_name',
    'generated_name', 'GENERATED_SEQUENCE', 'PlannedImage', 'plan_generation',
    'real_subset'
]
