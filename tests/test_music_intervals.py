"""The metrics table with intervals: known keys instead of estimated ones, a random floor,
bootstrap intervals that cover the point value and narrow with more melodies."""

import pytest

from genai_course.data import load_chorale_melodies, split_chorales
from genai_course.music.evaluation import (
    bootstrap_table,
    copying_per_melody,
    format_interval_table,
    melody_report,
    ngram_copying,
    random_melodies,
)


@pytest.fixture(scope="module")
def split():
    return split_chorales(load_chorale_melodies())


def test_known_keys_stop_flattering_random_melodies(split):
    noise = random_melodies(12, length=40, low=67, high=79, seed=3)
    keys = [m["key"] for m in split.validation[:12]]
    own = melody_report(noise, split.train)["pitch_class_distance"]
    given = melody_report(noise, split.train, keys=keys)["pitch_class_distance"]
    assert given > own, "moving random melodies by their own best key must flatter them"
    with pytest.raises(ValueError, match="one key per melody"):
        melody_report(noise, split.train, keys=keys[:3])


def test_bootstrap_table_intervals_cover_the_value_and_separate_real_from_random(split):
    real = [[tuple(n) for n in m["notes"][:40]] for m in split.validation[:12]]
    noise = random_melodies(12, length=40, low=67, high=79)
    keys = [m["key"] for m in split.validation[:12]]
    table = bootstrap_table(
        {"real": real, "random": noise},
        split.train,
        keys={"real": keys, "random": keys},
        training=split.train,
        n_boot=200,
    )
    for row in table.values():
        for column, (value, low, high) in row.items():
            assert low <= high, f"{column}: an interval's low end must not exceed its high end"
            if column not in (
                "pitch_class_distance",
                "interval_distance",
            ):  # distances are biased up
                assert low - 1e-9 <= value <= high + 1e-9, (
                    f"{column}: the interval must hold the value"
                )
    assert table["random"]["interval_distance"][1] > table["real"]["interval_distance"][2], (
        "random melodies' interval distance must lie clearly above real ones'"
    )
    assert 0.4 < table["random"]["key_correlation"][0] < 0.7, (
        "random melodies have a key-correlation floor near 0.5"
    )
    text = format_interval_table(table)
    assert max(map(len, text.splitlines())) <= 100, "the table must fit a notebook without wrapping"
    assert "key_correlation" in text and "[" in text


def test_per_melody_copying_adds_up_to_the_totals(split):
    melodies = [m["notes"] for m in split.validation[:5]]
    rows = copying_per_melody(melodies, split.train)
    totals = ngram_copying(melodies, split.train)
    assert max(r[0] for r in rows) == totals["longest_copied"]
    assert sum(r[1] for r in rows) / sum(r[2] for r in rows) == pytest.approx(
        totals["copied_fraction"]
    )
    copied = [tuple(n) for n in split.train[0]["notes"][:30]]
    assert copying_per_melody([copied], split.train)[0][0] >= 29, "a copied melody must be flagged"
