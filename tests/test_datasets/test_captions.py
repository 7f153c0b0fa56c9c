"""SynthFashion captions from the generator's metadata."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mmrepose.datasets.synthesis import sample_identity
from mmrepose.datasets.synthesis.appearance import Hair, Pattern
from mmrepose.datasets.synthesis.captions import (COLOUR_NAMES, caption,
                                                  colour_name)


def test_colour_names_are_nearest_and_take_bgr():
    assert colour_name((40, 120, 240)) == 'orange'  # BGR of (240, 120, 40)
    assert colour_name((45, 118, 236)) == 'orange'  # jittered
    assert colour_name((22, 20, 20)) == 'black'
    assert len(set(COLOUR_NAMES.values())) == len(COLOUR_NAMES)


def test_captions_say_who_what_and_from_where():
    rng = np.random.default_rng(0)
    person = sample_identity(rng)
    person = dataclasses.replace(
        person, gender='WOMEN', dress=False,
        hair=Hair((140, 200, 225), 'long', -0.4, 1.0, 30.0),  # blonde, BGR
        top=dataclasses.replace(
            person.top, style='tee', design='solid', logo=None,
            front=Pattern('solid', (40, 120, 240), (0, 0, 0))),
        bottom=dataclasses.replace(
            person.bottom, kind='trousers', length=1.0,
            pattern=Pattern('hstripes', (130, 120, 20), (80, 40, 28), 8.0)))
    assert caption(person, 'left') == (
        'a woman with long blonde hair in an orange short-sleeved T-shirt '
        'and teal and navy striped trousers, seen from the side')
    assert caption(person, 'back').endswith('seen from behind')
    with pytest.raises(ValueError, match="unknown view 'top'"):
        caption(person, 'top')


def test_every_sampled_person_gets_a_sentence():
    for seed in range(200):
        person = sample_identity(np.random.default_rng(seed))
        text = caption(person, 'front')
        assert text.startswith(('a woman', 'a man', 'a bald man'))
        assert ' in a' in text
        assert text.endswith('seen from the front')
        assert (' dress' in text) == person.dress


def test_the_dataset_writes_a_caption_for_every_image(tmp_path):
    import json

    from mmrepose.datasets.synthesis import generate_synthfashion
    generate_synthfashion(str(tmp_path), (64, 44), train_ids=2, test_ids=1,
                          poses_per_id=3, progress=False)
    for split in ('train', 'test'):
        captions = json.loads((tmp_path / f'captions-{split}.json')
                              .read_text())
        names = (tmp_path / f'{split}.lst').read_text().split()
        assert sorted(captions) == sorted(names)
        for name, text in captions.items():  # the view of the file name
            view = 'behind' if name.endswith('back.jpg') else \
                'the front' if name.endswith('front.jpg') else 'the side'
            assert text.endswith(f'seen from {view}')
