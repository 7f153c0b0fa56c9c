"""Sample grids during validation/testing and saving generated images."""
from __future__ import annotations

import uuid

import cv2
import numpy as np
from engine_toy import IMAGE_SIZE, ToyPoseTransferDataset, toy_config
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.runner import Runner
from tensorboard.backend.event_processing.event_accumulator import \
    EventAccumulator

from mmrepose.engine import GeneratedImageSaverHook
from mmrepose.visualization import pose_map_to_rgb


def build(work_dir, custom_hooks: list, **cfg_updates) -> Runner:
    cfg = toy_config(work_dir)
    cfg['custom_hooks'] += custom_hooks
    cfg['default_hooks']['checkpoint'] = None  # its save_best needs train()
    cfg.update(experiment_name=f'toy_{uuid.uuid4().hex}', **cfg_updates)
    return Runner.from_cfg(Config(cfg))


def read_rgb(path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def panel(grid: np.ndarray, row: int, col: int) -> np.ndarray:
    """Cut panel (row, col) out of a tile_grid with column and row titles
    (pad 4, column titles 16 px, row titles 12 px high)."""
    h, w = IMAGE_SIZE
    top = 16 + 4 + row * (12 + h + 4) + 12
    left = 4 + col * (w + 4)
    return grid[top:top + h, left:left + w]


def test_validation_grid_goes_to_every_backend(tmp_path):
    runner = build(tmp_path, [dict(type='PoseTransferVisualizationHook',
                                   interval=2, max_rows=2)],
                   visualizer=dict(type='Visualizer', vis_backends=[
                       dict(type='LocalVisBackend'),
                       dict(type='TensorboardVisBackend')]))
    runner.val()  # 4 pairs in batches of 2: batch 0 is drawn, batch 1 not
    vis_dir = tmp_path / runner.timestamp / 'vis_data'
    files = sorted(p.name for p in (vis_dir / 'vis_image').iterdir())
    assert files == ['val_batch0_0.png']
    grid = read_rgb(vis_dir / 'vis_image' / files[0])
    h, w = IMAGE_SIZE
    assert grid.shape == (16 + 4 + 2 * (12 + h + 4), 4 + 4 * (w + 4), 3)

    item = ToyPoseTransferDataset()[0]
    pred = runner.model.test_step(pseudo_collate([item]))[0]
    as_hwc = lambda t: t.numpy().transpose(1, 2, 0)  # noqa: E731
    expected = [as_hwc(item['inputs']['source_img']),
                pose_map_to_rgb(item['inputs']['target_pose'].numpy()),
                as_hwc(pred.pred_img), as_hwc(item['data_samples'].gt_img)]
    for col, image in enumerate(expected):
        np.testing.assert_array_equal(panel(grid, 0, col), image)

    events = EventAccumulator(str(vis_dir))
    events.Reload()
    assert events.Tags()['images'] == ['val_batch0']


def test_test_run_saves_every_generated_image(tmp_path):
    out_dir = tmp_path / 'generated'
    runner = build(tmp_path, [
        dict(type='GeneratedImageSaverHook', out_dir=str(out_dir)),
        dict(type='PoseTransferVisualizationHook', interval=1, on_val=False)])
    metrics = runner.test()
    assert set(metrics) == {'toy/l1'}
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [f'src{i:03d}_2_tgt{i:03d}.png' for i in range(4)]
    saver = next(h for h in runner.hooks
                 if isinstance(h, GeneratedImageSaverHook))
    assert saver.num_saved == 4
    item = ToyPoseTransferDataset()[3]
    pred = runner.model.test_step(pseudo_collate([item]))[0].pred_img
    np.testing.assert_array_equal(read_rgb(out_dir / names[3]),
                                  pred.numpy().transpose(1, 2, 0))
    vis_image = tmp_path / runner.timestamp / 'vis_data' / 'vis_image'
    assert sorted(p.name for p in vis_image.iterdir()) == [
        'test_batch0_0.png', 'test_batch1_0.png']


def test_text_pose_grid_has_no_source_column():
    """A text-pose batch (RePoseSD) has no source image: the grid is target
    pose | generated | ground truth."""
    import torch

    from mmrepose.engine.hooks.pose_transfer_visualization_hook import \
        pose_transfer_grid
    from mmrepose.structures import PoseTransferDataSample
    h, w = 16, 12
    sample = PoseTransferDataSample(metainfo=dict(pair_name='img'))
    sample.pred_img = torch.zeros(3, h, w, dtype=torch.uint8)
    sample.gt_img = torch.full((3, h, w), 255, dtype=torch.uint8)
    grid = pose_transfer_grid({'target_pose': torch.zeros(1, 3, h, w)},
                              [sample], max_rows=4)
    assert grid.shape == (16 + 4 + (12 + h + 4), 4 + 3 * (w + 4), 3)
