"""A GRU language model over melody tokens, trained on Bach chorale sopranos (lesson 08).

Training data: the training melodies of :func:`genai_course.data.split_chorales`, each
batch transposed by a random key-aware shift (data augmentation: the same tune in another
key, staying in range and in keys of at most 4 sharps or flats). Validation: the held-out
tune families, untransposed, scored as negative log-likelihood per token (nats).
"""

from __future__ import annotations

from dataclasses import asdict

import torch

from genai_course.data import fingerprint, split_chorales
from genai_course.models.contract import renamed
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.music.batching import (  # noqa: F401 - re-exported for older notebooks
    batch_sampler,
    encoded_melodies,
    pad_batch,
    validation_nll,
)
from genai_course.music.tokens import MelodyTokenizer
from genai_course.training import fit

NAME = "chorale-gru"
DESCRIPTION = (
    "GRU (1 layer, 128 units) over pitch/duration tokens of Bach chorale soprano "
    "melodies, with transposition augmentation."
)
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "chorales",
    "intended": "Teaching: melody generation from a seed phrase (lesson 08).",
    "factors": (
        "Soprano lines of one composer's chorales in one tradition; other styles, harmony "
        "and rhythmic idioms were never seen."
    ),
    "ethics": (
        "Its samples can repeat phrases of the chorale tunes (measure with copied "
        "n-grams); label generated music as machine-made and name the corpus."
    ),
    "caveats": (
        "Melody only, no harmony; small model; judge by listening as well as by the metrics."
    ),
}
VALUE_SCALE = None  # a language model: token ids, no value scale
STEPS = 1500
BATCH_SIZE = 32
WINDOW = 192  # longer melodies are cut into windows of this many tokens for training (batching.py)
CONFIG = {"embed_dim": 32, "hidden": 128, "layers": 1, "dropout": 0.1}


def build(config: dict) -> RecurrentLM:
    return RecurrentLM(RNNConfig(**renamed(config)))


def tokenizer() -> MelodyTokenizer:
    return MelodyTokenizer()


def evaluate(model: RecurrentLM) -> dict:
    tok = tokenizer()
    validation = encoded_melodies(split_chorales().validation, tok, augment=False)
    return {"validation_nll": round(validation_nll(model, validation, tok.id("<pad>")), 5)}


def train(seed: int = 0, progress: bool = True):
    torch.manual_seed(seed)
    tok = tokenizer()
    split = split_chorales()
    sequences = encoded_melodies(split.train, tok, augment=True)
    model = build({"vocab_size": tok.vocab_size, **CONFIG})
    fit(
        model,
        batch_sampler(sequences, tok.id("<pad>"), WINDOW),
        steps=STEPS,
        batch_size=BATCH_SIZE,
        lr=3e-3,
        seed=seed,
        progress=progress,
        description=NAME,
    )
    ids = ",".join(m["id"] for m in split.train)
    return model, {
        "config": asdict(model.config),
        "tokenizer": tok.to_dict(),
        "data_fingerprint": fingerprint(ids + repr(tok.to_dict())),
        "steps": STEPS,
        "batch_size": BATCH_SIZE,
        "train_melodies": len(split.train),
        "train_sequences_with_transpositions": len(sequences),
        "metrics": evaluate(model),
    }
