"""The second PIF guide (top-down HRNet-W16, docs/pose_estimator.md "A
second guide"): its release loads into its config and reads the pose of
SynthFashion people it never saw."""
from pathlib import Path

from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/pose_estimators/topdown_hrnet_w16_synthfashion_128.py'
RELEASE = (ROOT / 'checkpoints/pose_estimators/'
           'topdown_hrnet_w16_synthfashion_128.pth')


def test_release_reads_unseen_people(tmp_path):
    """Identities of another generator seed, at 128x88 and downscaled to
    64x44 (the ablation's size): on the standard test split it scores
    PCK@0.1 0.946 / 0.927; a broken head, layout or scale scores near 0."""
    from mmrepose.datasets.synthesis import generate_synthfashion
    data = tmp_path / 'synthfashion'
    generate_synthfashion(str(data), size=(128, 88), train_ids=1, test_ids=3,
                          val_ids=1, poses_per_id=4, seed=11, progress=False)
    tool = load_script('tools/analysis/eval_pose_estimator.py')
    for extra in ([], ['--resize', '64x44']):
        result = tool.main([str(CONFIG), str(RELEASE), '--data-root',
                            str(data), '--split', 'test', *extra])
        assert result['images'] == 12
        assert result['pck@0.1'] > 0.8, (extra, result)
