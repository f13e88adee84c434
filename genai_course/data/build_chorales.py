"""Rebuild ``genai_course/datasets/chorale_melodies.json`` from music21's corpus (~40 s).

    python -m genai_course.data.build_chorales

See :mod:`genai_course.data.chorales` for how the melodies are extracted.
"""

from genai_course.data.chorales import load_chorale_melodies, rebuild, split_chorales

if __name__ == "__main__":
    print("wrote", rebuild())
    melodies = load_chorale_melodies()
    split = split_chorales(melodies)
    print(f"{len(melodies)} melodies: {len(split.train)} train, {len(split.validation)} validation")
