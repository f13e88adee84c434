import math

import numpy as np
import pytest

from genai_course.data import load_chorale_melodies, split_chorales
from genai_course.music import MelodyTokenizer, transpose
from genai_course.music.evaluation import (
    MarkovChain,
    format_table,
    histogram_distance,
    interval_histogram,
    key_analysis,
    melody_report,
    ngram_copying,
    pitch_class_histogram,
    random_melodies,
    rhythm_statistics,
)


@pytest.fixture(scope="module")
def split():
    return split_chorales(load_chorale_melodies())


def test_histograms_and_distances_on_known_cases():
    scale = [(60, 1.0, 0), (62, 1.0, 0), (64, 2.0, 1)]
    pcs = pitch_class_histogram([scale])
    assert pcs[[0, 2, 4]] == pytest.approx([0.25, 0.25, 0.5]) and pcs.sum() == pytest.approx(1)
    assert pitch_class_histogram([transpose(scale, 7)], shifts=[-7]) == pytest.approx(pcs)
    intervals = interval_histogram([scale])
    assert intervals[12 + 2] == 1.0  # two rising whole tones
    assert interval_histogram([[(60, 1), (80, 1)]])[-1] == 1.0  # leaps beyond an octave are clipped
    assert histogram_distance(pcs, pcs) == 0.0
    assert histogram_distance([1, 0], [0, 1]) == 1.0
    assert histogram_distance([0.5, 0.5], [1, 0]) == 0.5
    with pytest.raises(ValueError, match="same bins"):
        histogram_distance([1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="summing to 1"):
        histogram_distance([0.2, 0.2], [0.5, 0.5])
    with pytest.raises(ValueError, match="at least one melody"):
        pitch_class_histogram([])


def test_rhythm_statistics_and_key_analysis():
    stats = rhythm_statistics([[(60, 1.0, 0), (62, 0.5, 0), (64, 0.5, 0), (65, 2.0, 1)]])
    assert stats == {
        "mean_length": 1.0,
        "quarter_share": 0.25,
        "eighth_share": 0.5,
        "notes_per_phrase": 4.0,
    }
    c_major = [(p, 1.0, 0) for p in (60, 62, 64, 65, 67, 65, 64, 62, 60, 67, 64, 60)]
    result = key_analysis(c_major)
    assert result["name"] == "C major" and result["correlation"] > 0.8 and result["shift_to_c"] == 0
    assert key_analysis(transpose(c_major, 2))["shift_to_c"] == 10  # D major: 10 up (2 down) to C
    a_minor = [(p, 1.0, 0) for p in (69, 71, 72, 74, 76, 72, 71, 68, 69, 64, 69)]
    assert key_analysis(a_minor)["name"] == "A minor" and key_analysis(a_minor)["shift_to_c"] == 0


def test_real_melodies_score_closer_to_the_corpus_than_random_ones(split):
    reference = split.train[:30]
    real = melody_report(split.validation[:10], reference)
    noise = melody_report(random_melodies(10), reference)
    assert real["interval_distance"] < 0.15 < noise["interval_distance"]
    assert real["pitch_class_distance"] < noise["pitch_class_distance"]
    assert real["key_correlation"] > noise["key_correlation"]
    assert real["step_share"] > 0.7 > noise["step_share"]
    table = format_table({"real": real, "random": noise})
    assert table.splitlines()[1].strip().startswith("real") and "key_correlation" in table


def test_copying_detector_flags_a_copied_melody(split):
    copied = transpose([tuple(n) for n in split.train[10]["notes"]], 3)  # a transposed copy
    report = ngram_copying([copied], split.train)
    assert report["longest_copied"] == len(copied) - 1 and report["copied_fraction"] == 1.0
    fresh = ngram_copying(random_melodies(5, seed=1), split.train)
    assert fresh["longest_copied"] < 6 and fresh["copied_fraction"] == 0.0
    with pytest.raises(ValueError, match="n must be a positive integer"):
        ngram_copying([copied], split.train, n=0)


def test_markov_baseline_beats_uniform_on_its_training_data(split):
    tok = MelodyTokenizer()
    sequences = [tok.encode(m["notes"]) for m in split.train]
    chain = MarkovChain(tok.vocab_size, order=2).fit(sequences)
    uniform = math.log(tok.vocab_size)
    train_nll = chain.nll(sequences)
    validation_nll = chain.nll([tok.encode(m["notes"]) for m in split.validation])
    assert train_nll < validation_nll < uniform
    assert chain.probabilities([tok.id("G4")]).sum() == pytest.approx(1)
    # after a pitch the chain has only ever seen durations
    after_pitch = chain.probabilities([tok.id("<start>"), tok.id("G4")])
    assert after_pitch[tok.duration_ids].sum() > 0.9

    def no_end(last):
        mask = tok.grammar_mask(last).numpy()
        mask[tok.id("<end>")] = False
        return mask

    sample = chain.generate([tok.id("<start>")], 30, seed=0, mask_fn=no_end)
    ends_on_duration = sample[: max(i for i, t in enumerate(sample) if t in tok.duration_ids) + 1]
    assert len(sample) == 31 and len(tok.decode(ends_on_duration)) >= 10  # strict: well-formed
    with pytest.raises(ValueError, match="order must be a positive integer"):
        MarkovChain(10, order=0)
    with pytest.raises(ValueError, match="Nothing to score"):
        chain.nll([[1]])
    assert np.isfinite(chain.nll([[tok.id("<start>"), tok.id("C5")]]))
