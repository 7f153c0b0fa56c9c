from .nonfinite_check_optim_wrapper import (NonFiniteCheckAmpOptimWrapper,
                                            NonFiniteCheckOptimWrapper)

__all__ = ['NonFiniteCheckOptimWrapper', 'NonFiniteCheckAmpOptimWrapper']
