import time

import pytest

from genai_course.data import load_chorale_melodies, split_chorales
from genai_course.data.chorales import build_melodies, content_key, find_soprano, tune_families
from genai_course.music.evaluation import ngram_copying


@pytest.fixture(scope="module")
def melodies():
    return load_chorale_melodies()


def test_shipped_melodies_load_fast_and_are_well_formed(melodies):
    start = time.process_time()  # CPU time: a busy machine does not make it fail
    load_chorale_melodies()
    assert time.process_time() - start < 15.0
    assert 300 <= len(melodies) <= 371
    for melody in melodies:
        assert set(melody) == {
            "id",
            "title",
            "key",
            "key_sharps",
            "time_signature",
            "pickup",
            "notes",
        }
        assert len(melody["notes"]) >= 8
        for pitch, length, fermata in melody["notes"]:
            assert pitch is None or 40 <= pitch <= 90
            assert length > 0 and fermata in (0, 1)
        assert melody["notes"][0][0] is not None and melody["notes"][-1][0] is not None
    # chorale phrases end at fermatas: nearly every melody has several
    assert sum(any(n[2] for n in m["notes"]) for m in melodies) > 0.9 * len(melodies)


def test_no_duplicates_and_the_split_keeps_tune_families_apart(melodies):
    keys = [content_key(m) for m in melodies]
    assert len(set(keys)) == len(keys)
    assert len({m["id"] for m in melodies}) == len(melodies)
    split = split_chorales(melodies)
    assert len(split.train) + len(split.validation) == len(melodies)
    assert 0.08 < len(split.validation) / len(melodies) < 0.25
    families = dict(zip([m["id"] for m in melodies], tune_families(melodies), strict=True))
    assert not {families[m["id"]] for m in split.train} & {
        families[m["id"]] for m in split.validation
    }
    # no validation melody shares a run of 12 intervals with a training melody
    assert ngram_copying([m["notes"] for m in split.validation], split.train)["longest_copied"] < 12
    again = split_chorales(load_chorale_melodies())
    assert [m["id"] for m in again.validation] == [m["id"] for m in split.validation]


def test_shipped_file_equals_a_fresh_rebuild_for_a_few_chorales(melodies):
    by_id = {m["id"]: m for m in melodies}
    # bwv281 also exists as a Humdrum file without part names; bwv245.3 could match bwv245.37
    rebuilt = build_melodies(["bach/bwv269", "bach/bwv245.3", "bach/bwv281"])
    assert [m["id"] for m in rebuilt] == ["bwv245.3", "bwv269", "bwv281"]
    for melody in rebuilt:
        assert melody == by_id[melody["id"]]
    assert by_id["bwv269"]["notes"][:3] == [[67, 1.0, 0], [67, 2.0, 0], [74, 1.0, 0]]
    assert by_id["bwv269"]["time_signature"] == "3/4" and by_id["bwv269"]["key"] == "G major"


def test_tune_families_link_shared_starts_and_long_shared_runs():
    def melody(pitches):
        return {"notes": [[p, 1.0, 0] for p in pitches]}

    scale = list(range(60, 75))
    same_start = scale[:9] + [50, 40, 50, 40, 50, 40]  # first 8 intervals agree
    shared_run = [80, 70, 80, 70] + scale[:13] + [90]  # 12 consecutive intervals shared
    other = [60, 67, 60, 67, 60, 67, 60, 67, 60, 67, 60, 67, 60]
    assert tune_families(
        [melody(scale), melody(same_start), melody(shared_run), melody(other)]
    ) == [0, 0, 0, 1]


def test_soprano_is_found_by_name_and_errors_are_clear(tmp_path):
    from music21 import corpus, stream

    horn_first = corpus.parse("bach/bwv1.6")  # its first part is a horn
    assert horn_first.parts[0].partName != "Soprano"
    assert find_soprano(horn_first).partName == "Soprano"

    score = stream.Score([stream.Part(id="Horn 2"), stream.Part(id="Soprano")])
    score.parts[1].partName = "Soprano"
    assert find_soprano(score) is score.parts[1]
    with pytest.raises(ValueError, match=r"No soprano part found among \['Horn 2'\]"):
        find_soprano(stream.Score([stream.Part(id="Horn 2")]))
    with pytest.raises(FileNotFoundError, match="build_chorales"):
        load_chorale_melodies(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="validation_fraction must lie in"):
        split_chorales([], validation_fraction=0)
