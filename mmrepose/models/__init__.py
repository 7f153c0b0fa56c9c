"""Models of mmrepose: the RePoseDM and RePoseSD editors and the parts they
are assembled from."""
from .alignment import *  # noqa: F401,F403
from .appearance import *  # noqa: F401,F403
from .autoencoders import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .diffusion import *  # noqa: F401,F403
from .editors import *  # noqa: F401,F403
from .guidance import *  # noqa: F401,F403
from .pose_estimators import *  # noqa: F401,F403
from .stable_diffusion import *  # noqa: F401,F403
from .unets import *  # noqa: F401,F403
