"""tools/test.py on a data root that holds only a test split: nothing may
build the training dataloader (the sample-grid hook once did, by reading
``runner.iter``)."""
from __future__ import annotations

import json
import shutil
import sys
import uuid

import torch
from engine_toy import ToyPoseTransferModel, toy_config
from mmengine.config import Config
from script_loading import load_script

SIZE = (16, 12)  # (H, W)


def loader(root, split: str) -> dict:
    pipeline = [
        dict(type='LoadPairFromFile'),
        dict(type='ResizePair', scale=(SIZE[1], SIZE[0])),
        dict(type='GeneratePoseEncoding', encoding='pidm20',
             keys=('source', 'target')),
        dict(type='PackPoseTransferInputs'),
    ]
    return dict(batch_size=2, num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=split == 'train'),
                dataset=dict(type='DeepFashionPoseDataset',
                             data_root=str(root), split=split,
                             test_mode=split != 'train', pipeline=pipeline))


def test_test_tool_on_a_data_root_with_only_a_test_split(patn_root, tmp_path,
                                                         monkeypatch):
    shutil.rmtree(patn_root / 'train')
    for path in patn_root.glob('*-train.csv'):
        path.unlink()
    cfg = toy_config(tmp_path / 'unused')
    cfg.update(experiment_name=f'toy_{uuid.uuid4().hex}',
               train_dataloader=loader(patn_root, 'train'),
               val_dataloader=loader(patn_root, 'test'),
               test_dataloader=loader(patn_root, 'test'))
    cfg['custom_hooks'].append(dict(type='PoseTransferVisualizationHook',
                                    interval=1))
    config = tmp_path / 'toy_test_only.py'
    Config(cfg).dump(config)
    checkpoint = tmp_path / 'toy.pth'
    torch.save(dict(state_dict=ToyPoseTransferModel().state_dict()),
               checkpoint)
    work = tmp_path / 'work'

    tool = load_script('tools/test.py')
    monkeypatch.setattr(sys, 'argv', [tool.__file__, str(config),
                                      str(checkpoint), '--work-dir',
                                      str(work)])
    tool.main()

    generated = sorted(p.name for p in (work / 'generated').glob('*.png'))
    assert len(generated) == 1  # the fixture's one test pair
    record = json.loads((work / 'generated' / 'metrics_toy.json')
                        .read_text())
    assert record['num_images'] == 1 and record['resolution'] == list(SIZE)
    grids = list(work.glob('*/vis_data/vis_image/test_batch0_0.png'))
    assert len(grids) == 1  # the grid was drawn, at step 0
