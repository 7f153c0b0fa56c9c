"""The report shows HumanSD's set-level pose scores (RePoseSD's proof) only
when some variant was scored with them."""
from mmrepose.ablation.report import render_markdown


def report(summary):
    return dict(spec='spec.py', train_options={}, references={},
                comparisons=[], selection={},
                variants=dict(v=dict(seeds=[0], settings={}, summary=summary,
                                     per_seed={}, by_target_view={})))


def test_optional_columns_appear_only_when_scored():
    plain = render_markdown(report({'judge/pck@0.1': (0.8, None)}))
    assert 'pose AP' not in plain and '| 0.8000 |' in plain
    text = render_markdown(report({'judge/pck@0.1': (0.8, None),
                                   'humansd/pose_ap': (0.25, 0.01),
                                   'humansd/cap': (0.5, None)}))
    header = next(line for line in text.splitlines()
                  if line.startswith('| variant | seeds'))
    assert header.endswith('| pose AP | CAP |')
    assert '0.2500 ± 0.0100 | 0.5000 |' in text
