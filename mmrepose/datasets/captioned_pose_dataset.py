"""Text-pose triples for RePoseSD from a DeepFashion-layout dataset with
captions (SynthFashion writes ``captions-{split}.json``, ``{image name:
caption}``, from its own garment metadata).

Each item is a pair of :class:`DeepFashionPoseDataset` whose *target* image
has a caption, given as ``prompt`` (a metainfo key the packing keeps). A
text-to-image model trains on the target alone; ``unique_targets`` keeps one
pair per target image so an epoch sees each image once.
"""
from __future__ import annotations

import json
import os.path as osp
from typing import Any

from mmrepose.registry import DATASETS
from .annotation_formats import AnnotationError
from .deepfashion_dataset import DeepFashionPoseDataset


@DATASETS.register_module()
class CaptionedPoseDataset(DeepFashionPoseDataset):
    """DeepFashion-layout pairs with a caption of the target image.

    Args:
        captions_file: ``{image name: caption}`` json, relative to
            ``data_root`` (default ``captions-{split}.json``).
        unique_targets: Keep the first pair of each target image only.

    A target without a caption is an error naming the image, or with
    ``skip_invalid`` a counted skip. See :class:`DeepFashionPoseDataset`
    for the other arguments.
    """

    def __init__(self, data_root: str, captions_file: str | None = None,
                 unique_targets: bool = True, **kwargs: Any):
        self.captions_file = captions_file
        self.unique_targets = unique_targets
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> list[dict]:
        path = osp.join(self.data_root, self.captions_file
                        or f'captions-{self.split}.json')
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'captions not found: {path} (SynthFashion writes '
                f'captions-{{split}}.json; regenerate the set with '
                f'tools/dataset_converters/make_synthfashion.py)')
        try:
            with open(path, encoding='utf-8') as f:
                captions = json.load(f)
        except json.JSONDecodeError as err:
            raise AnnotationError('not valid json', path,
                                  detail=str(err)) from None
        seen: set[str] = set()
        data_list, missing = [], []
        for info in super().load_data_list():
            name = osp.basename(info['target_img_path'])
            if self.unique_targets and name in seen:
                continue
            seen.add(name)
            prompt = captions.get(name)
            if not isinstance(prompt, str) or not prompt.strip():
                missing.append(name)
                continue
            data_list.append({**info, 'prompt': prompt})
        if missing:
            error = AnnotationError('image without a caption', path,
                                    detail=missing[0])
            if not self.skip_invalid:
                raise error
            self.skipped.update({error.reason: len(missing)})
            self._warn_skipped(error, len(seen))
        if not data_list:
            raise ValueError(f'{type(self).__name__}: no captioned images '
                             f'in {self.data_root} (split {self.split!r})')
        return data_list
