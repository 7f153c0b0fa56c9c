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


def test_paired_comparisons_show_each_seeds_difference():
    """Beside the pair bootstrap, the difference of the means seed by seed:
    the spread over training seeds a claim has to stand out of."""
    data = report({'judge/pck@0.1': (0.8, 0.01)})
    data['comparisons'] = [dict(
        a='b2', b='b1', metric='judge/pck@0.1', seeds=[0, 2], pairs=600,
        per_seed_diff=[0.0261, -0.0012], mean_diff=0.0125, ci_low=0.001,
        ci_high=0.02, better=80, worse=70, ties=450, sign_p=0.46)]
    row = next(line for line in render_markdown(data).splitlines()
               if line.startswith('| b2 vs b1 |'))
    assert row.endswith('| 0.46 | +0.0261 (s0), -0.0012 (s2) |')
