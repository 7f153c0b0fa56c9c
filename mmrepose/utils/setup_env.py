"""Register every mmrepose module and make ``mmrepose`` the default scope."""
from __future__ import annotations

import datetime
import warnings

from mmengine import DefaultScope

from .mmcv_compat import install_mmcv_ops_placeholders


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import mmrepose's modules so that their registries are filled.

    Also installs the ``mmcv.ops`` placeholders (see
    :mod:`mmrepose.utils.mmcv_compat`) so that ``import mmpose.models`` works
    under mmcv-lite.

    Args:
        init_default_scope: Make ``mmrepose`` the current default scope, so
            that configs' ``type`` strings are looked up in mmrepose's
            registries first. If another scope is current, a new uniquely
            named ``mmrepose`` scope instance is created and made current.
    """
    install_mmcv_ops_placeholders()
    import mmrepose.datasets  # noqa: F401
    import mmrepose.datasets.transforms  # noqa: F401
    import mmrepose.engine  # noqa: F401
    import mmrepose.models  # noqa: F401
    mmrepose.engine.route_mmengine_loads()  # weights_only, allow-listed

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created('mmrepose'):
        DefaultScope.get_instance('mmrepose', scope_name='mmrepose')
    elif current.scope_name != 'mmrepose':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "mmrepose"; register_all_modules creates and '
                      'switches to a new mmrepose scope.')
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S.%f')
        DefaultScope.get_instance(f'mmrepose-{stamp}', scope_name='mmrepose')
