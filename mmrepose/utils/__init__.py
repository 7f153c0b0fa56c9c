from .config import (ConfigSettingError, fill_pipeline_settings,
                     read_config)
from .mmcv_compat import (MissingCompiledOpError, compiled_mmcv_ops_available,
                          install_mmcv_ops_placeholders)
from .setup_env import register_all_modules

__all__ = [
    'register_all_modules', 'install_mmcv_ops_placeholders',
    'compiled_mmcv_ops_available', 'MissingCompiledOpError', 'read_config',
    'fill_pipeline_settings', 'ConfigSettingError'
]
