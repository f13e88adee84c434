"""Soprano melodies of the Bach chorales that ship with music21, ready in about a second.

Parsing the 371 chorale files of music21's corpus takes ~40 s, so the melodies we need are
extracted once and shipped as ``genai_course/datasets/chorale_melodies.json``. Rebuild that
file (and see exactly how it is made) with::

    python -m genai_course.data.build_chorales

How a melody is extracted, and why:

- the **soprano** part is picked by its name: the first part is not always the soprano
  (BWV 1.6 starts with a horn);
- notes tied over a barline are merged into one note, grace notes (no duration) are dropped
  (see :func:`genai_course.music.convert.notes_from_part`);
- a note carrying a **fermata** ends a phrase in a chorale, so it is flagged;
- **duplicates** are removed: ``corpus.chorales.Iterator()`` yields 371 chorales but only
  350 distinct files (some are listed twice), the corpus holds some pieces twice
  (``bwv112.5`` and ``bwv112.5-sc``), and Bach harmonised many hymn tunes several times, so one tune can
  appear under several BWV numbers. Two melodies with the same intervals and durations are
  the same melody (one is kept). Melodies that share a run of 12 consecutive pitch intervals,
  or whose first 8 intervals agree, belong to the same *tune family* (:func:`tune_families`)
  and always land on the same side of the train/validation split, so the validation set
  measures tunes the model has not seen in another key, rhythm or harmonisation.

A melody is a dict: ``id`` (the corpus name, e.g. ``"bwv269"``), ``title`` (when music21's
chorale list knows it, else ``None``), ``key`` (e.g. ``"G major"``), ``key_sharps``
(sharps in the key signature, negative for flats), ``time_signature`` (``"3/4"``),
``pickup`` (quarter notes before the first full bar, 0 if none) and ``notes``: a list of ``[midi_pitch_or_None, quarter_length, fermata]``,
``None`` standing for a rest and ``fermata`` being 0 or 1.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

from genai_course.validation import check_number

DATA_FILE = Path(__file__).resolve().parent.parent / "datasets" / "chorale_melodies.json"
SOPRANO_NAMES = ("soprano", "sopran", "s.", "s")
FAMILY_START = 8  # melodies whose first 8 intervals agree are one tune family,
FAMILY_RUN = 12  # and so are melodies sharing any run of 12 consecutive intervals


class MelodySplit(NamedTuple):
    train: list
    validation: list


# ---------------------------------------------------------------------------------------
# Extraction (slow: parses music21 files). Used by the rebuild and by the tests.


def find_soprano(score):
    """The part of a music21 score whose name says soprano (raise if there is none)."""
    for part in score.parts:
        name = (part.partName or part.id or "").strip().lower()
        if name in SOPRANO_NAMES or name.startswith("soprano"):
            return part
    names = [part.partName or part.id for part in score.parts]
    raise ValueError(f"No soprano part found among {names}.")


def _quarter_length(value) -> float:
    return float(Fraction(value).limit_denominator(48))


def extract_melody(score, corpus_name: str) -> dict:
    """The soprano melody of one parsed chorale, in the stored form described above."""
    from music21 import key, meter

    from genai_course.music.convert import notes_from_part

    notes = [list(note) for note in notes_from_part(find_soprano(score))]

    flat = score.flatten()
    signature = flat.getElementsByClass(key.KeySignature).first()
    if isinstance(signature, key.Key):
        key_object = signature
    else:
        key_object = score.analyze("key")
    time_signature = flat.getElementsByClass(meter.TimeSignature).first()
    first_measure = find_soprano(score).getElementsByClass("Measure").first()
    pickup = 0.0
    if first_measure is not None and first_measure.paddingLeft:
        pickup = _quarter_length(
            first_measure.barDuration.quarterLength - first_measure.paddingLeft
        )
    bwv = corpus_name.split("/")[-1]
    return {
        "id": bwv,
        "title": _title(bwv),
        "key": f"{key_object.tonic.name} {key_object.mode}",
        "key_sharps": int(signature.sharps) if signature is not None else 0,
        "time_signature": time_signature.ratioString if time_signature is not None else "4/4",
        "pickup": pickup,
        "notes": notes,
    }


_TITLES = None


def _title(bwv: str):
    global _TITLES
    if _TITLES is None:
        from music21 import corpus

        _TITLES = {str(k): v.get("title") for k, v in corpus.chorales.ChoraleList().byBWV.items()}
    number = bwv.removeprefix("bwv").split(".")[0].split("-")[0]
    return _TITLES.get(number) if "." not in bwv.removeprefix("bwv") else None


def _intervals(melody: dict) -> list:
    pitches = [n[0] for n in melody["notes"] if n[0] is not None]
    return [b - a for a, b in zip(pitches, pitches[1:], strict=False)]


def content_key(melody: dict) -> str:
    """Same intervals, durations, rests and fermatas: the same melody, in any key."""
    notes = melody["notes"]
    first = next(n[0] for n in notes if n[0] is not None)
    shape = [(None if p is None else p - first, d, f) for p, d, f in notes]
    return hashlib.sha1(json.dumps(shape).encode()).hexdigest()[:12]


def tune_families(melodies) -> list[int]:
    """A family number per melody: melodies linked by a shared start or run are one family.

    Two melodies are linked when their first FAMILY_START pitch intervals agree or when
    they share any FAMILY_RUN consecutive pitch intervals (durations ignored, so rhythmic
    variants of a tune are linked too); families are the connected groups (union-find).
    """
    parent = list(range(len(melodies)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen = {}
    for i, melody in enumerate(melodies):
        intervals = _intervals(melody)
        keys = [("start", tuple(intervals[:FAMILY_START]))]
        keys += [
            ("run", tuple(intervals[j : j + FAMILY_RUN]))
            for j in range(len(intervals) - FAMILY_RUN + 1)
        ]
        for key in keys:
            if key in first_seen:
                parent[root(i)] = root(first_seen[key])
            else:
                first_seen[key] = i
    roots = [root(i) for i in range(len(melodies))]
    numbering = {r: n for n, r in enumerate(dict.fromkeys(roots))}
    return [numbering[r] for r in roots]


def build_melodies(names=None, progress: bool = False) -> list[dict]:
    """Parse chorales from music21's corpus (all of them by default) into melodies.

    Exact duplicates (same :func:`content_key`) are dropped, keeping the first in sorted
    corpus order. Takes ~40 s for all 371 chorales.
    """
    from music21 import corpus

    if names is None:
        names = list(corpus.chorales.Iterator(returnType="filename"))
    names = sorted(set(names), key=_natural_key)  # the iterator lists bwv112.5 twice
    melodies, seen = [], set()
    for i, name in enumerate(names):
        melody = extract_melody(corpus.parse(resolve(name)), name)
        if progress and i % 25 == 0:
            print(f"{i}/{len(names)} {name}", flush=True)
        if len(melody["notes"]) < 8:
            continue
        fingerprint = content_key(melody)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        melodies.append(melody)
    return melodies


def resolve(name: str) -> str:
    """The file of a corpus name such as ``bach/bwv281``.

    ``corpus.parse("bach/bwv245.3")`` may match ``bwv245.37`` too, and some chorales exist as
    Humdrum ``.krn`` (parts without names) as well as MusicXML: take the file whose name is
    exactly ``name`` if there is one (else what music21 found), MusicXML first.
    """
    from music21 import corpus

    found = corpus.getWork(name)
    found = found if isinstance(found, list) else [found]
    stem = name.split("/")[-1]
    exact = [Path(p) for p in found if Path(p).stem == stem] or [Path(p) for p in found]
    order = {".mxl": 0, ".xml": 1, ".musicxml": 2, ".krn": 3}
    exact.sort(key=lambda p: order.get(p.suffix, 9))
    if not exact:
        raise FileNotFoundError(f"No corpus file called {stem!r} (found {found}).")
    return str(exact[0])


def _natural_key(name: str):
    """Sort bwv2.6 before bwv10.7: numbers compared as numbers."""
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def rebuild(path=DATA_FILE, progress: bool = True) -> Path:
    """Re-create the shipped JSON from music21's corpus."""
    import music21

    melodies = build_melodies(progress=progress)
    payload = {
        "source": f"music21 {music21.__version__} corpus, corpus.chorales.Iterator(), soprano parts",
        "rebuild": "python -m genai_course.data.build_chorales",
        "melodies": melodies,
    }
    path = Path(path)
    path.write_text(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n")
    return path


# ---------------------------------------------------------------------------------------
# Loading (fast: reads the shipped JSON).


def load_chorale_melodies(path=None) -> list[dict]:
    """All deduplicated soprano melodies (a list of dicts, see the module docstring)."""
    path = Path(path or DATA_FILE)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing. Rebuild it with `python -m genai_course.data.build_chorales`."
        )
    return json.loads(path.read_text())["melodies"]


def split_chorales(melodies=None, validation_fraction: float = 0.2) -> MelodySplit:
    """Deterministic split by tune family (:func:`tune_families`): a family never straddles it.

    A family goes to validation when a hash of its first melody's id falls below
    ``validation_fraction``; no random state is involved, so the split is the same on every
    machine.
    """
    validation_fraction = check_number(
        "validation_fraction",
        validation_fraction,
        low=0,
        high=1,
        low_inclusive=False,
        high_inclusive=False,
    )
    melodies = load_chorale_melodies() if melodies is None else list(melodies)
    families = tune_families(melodies)
    founder = {}
    for melody, family in zip(melodies, families, strict=True):
        founder.setdefault(family, melody["id"])
    train, validation = [], []
    for melody, family in zip(melodies, families, strict=True):
        bucket = int(hashlib.sha1(founder[family].encode()).hexdigest()[:8], 16) / 16**8
        (validation if bucket < validation_fraction else train).append(melody)
    return MelodySplit(train, validation)
