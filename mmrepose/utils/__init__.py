from .config import (ConfigSettingError, fill_pipeline_settings,
                     read_config)
from .image_size import parse_image_size
from .mmcv_compat import (MissingCompiledOpError, compiled_mmcv_ops_available,
                          install_mmcv_ops_placeholders)
from .number_list import parse_numbers
from .setup_env import register_all_modules

__all__ = [
    'register_all_modules', 'install_mmcv_ops_placeholders',
    'compiled_mmcv_ops_available', 'MissingCompiledOpError', 'read_config',
    'fill_pipeline_settings', 'ConfigSettingError', 'parse_image_size',
    'parse_numbers'
]
