"""Registries of mmrepose, children of mmengine's root registries.

A config's ``type='...'`` is looked up here first (default scope
``mmrepose``) and then in mmengine's roots, so mmengine's own components
(runners, hooks, optimizers, samplers) are found without re-registering them.
``locations`` names the package a registry imports on first use, so a config
can be built without importing mmrepose's modules by hand; each registry gets
its location when the package that fills it lands.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import INFERENCERS as MMENGINE_INFERENCERS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import Registry

# Engine
RUNNERS = Registry('runner', parent=MMENGINE_RUNNERS)
LOOPS = Registry('loop', parent=MMENGINE_LOOPS,
                 locations=['mmrepose.engine.loops'])
LOG_PROCESSORS = Registry('log_processor', parent=MMENGINE_LOG_PROCESSORS)
HOOKS = Registry('hook', parent=MMENGINE_HOOKS,
                 locations=['mmrepose.engine.hooks'])

# Data
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS,
                    locations=['mmrepose.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS,
                         locations=['mmrepose.engine.samplers'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS,
                      locations=['mmrepose.datasets.transforms'])
#: name -> ``encode(keypoints (18, 2), (H, W)) -> (C, H, W) float32``: the
#: pose encodings a config's ``pose_encoding`` names (pidm20, gfla18,
#: cfld21, skeleton_rgb; register your own the same way)
POSE_ENCODINGS = Registry('pose encoding',
                          locations=['mmrepose.datasets.transforms.pose_maps'])

# Models and optimisation
MODELS = Registry('model', parent=MMENGINE_MODELS,
                  locations=['mmrepose.models'])
MODEL_WRAPPERS = Registry('model wrapper', parent=MMENGINE_MODEL_WRAPPERS)
OPTIMIZERS = Registry('optimizer', parent=MMENGINE_OPTIMIZERS)
OPTIM_WRAPPERS = Registry('optim wrapper', parent=MMENGINE_OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=MMENGINE_PARAM_SCHEDULERS)
#: Noise schedulers for sampling (diffusers' DDPM/DDIM/DPM-Solver++/UniPC
#: wrappers). diffusers has no registry and mmengine no root for them.
DIFFUSION_SCHEDULERS = Registry('diffusion scheduler',
                                locations=['mmrepose.models.diffusion'])

# Evaluation and visualisation
EVALUATOR = Registry('evaluator', parent=MMENGINE_EVALUATOR)
METRICS = Registry('metric', parent=MMENGINE_METRICS,
                   locations=['mmrepose.evaluation'])
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS)
VISBACKENDS = Registry('vis_backend', parent=MMENGINE_VISBACKENDS)

# Inference
INFERENCERS = Registry('inferencer', parent=MMENGINE_INFERENCERS,
                       locations=['mmrepose.apis'])
