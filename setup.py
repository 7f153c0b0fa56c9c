"""Install mmrepose. Use `make install` for the pinned environment (see README)."""
from pathlib import Path

from setuptools import find_packages, setup


def read_requirements(name: str) -> list[str]:
    lines = Path(__file__).parent.joinpath('requirements', name).read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith('#')]


setup(
    name='mmrepose',
    version='0.1.0',
    description='Pose-guided person image synthesis with RePoseDM, in the OpenMMLab style',
    packages=find_packages(exclude=('tests', 'configs', 'tools', 'demo')),
    package_data={'mmrepose.web': ['static/*']},
    python_requires='>=3.10',
    install_requires=read_requirements('torch.txt') + read_requirements('runtime.txt')
    + read_requirements('openmmlab.txt'),
    extras_require={
        'mmpose': read_requirements('mmpose.txt') + read_requirements('mmpose-deps.txt'),
        'tests': read_requirements('tests.txt'),
    },
)
