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
from genai_course.music.tokens import MelodyTokenizer
from genai_course.training import fit

NAME = "chorale-gru"
DESCRIPTION = ("GRU (1 layer, 128 units) over pitch/duration tokens of Bach chorale soprano "
               "melodies, with transposition augmentation.")
STEPS = 1500
BATCH_SIZE = 32
WINDOW = 192  # longer melodies are cut into windows of this many tokens for training
MAX_SHIFT = 6
CONFIG = {"embed_dim": 32, "hidden": 128, "layers": 1, "dropout": 0.1}


def build(config: dict) -> RecurrentLM:
    return RecurrentLM(RNNConfig(**renamed(config)))


def tokenizer() -> MelodyTokenizer:
    return MelodyTokenizer()


def encoded_melodies(melodies, tok: MelodyTokenizer, *, augment: bool) -> list[list[int]]:
    """Token ids of each melody; with ``augment``, one copy per key-aware transposition."""
    from genai_course.music.tokens import transpose

    out = []
    for melody in melodies:
        notes = [tuple(n) for n in melody["notes"]]
        shifts = tok.transpositions(notes, max_shift=MAX_SHIFT, key_sharps=melody["key_sharps"]) \
            if augment else [0]
        out.extend(tok.encode(transpose(notes, s)) for s in shifts)
    return out


def pad_batch(sequences, pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets; padded targets are -100, which cross-entropy ignores."""
    length = max(len(s) for s in sequences) - 1
    idx = torch.full((len(sequences), length), pad_id, dtype=torch.long)
    targets = torch.full((len(sequences), length), -100, dtype=torch.long)
    for row, seq in enumerate(sequences):
        seq = torch.tensor(seq, dtype=torch.long)
        idx[row, :len(seq) - 1] = seq[:-1]
        targets[row, :len(seq) - 1] = seq[1:]
    return idx, targets


def batch_sampler(sequences, pad_id: int, window: int = WINDOW):
    """``get_batch(batch_size, generator)`` for :func:`fit`: random melodies (random
    transpositions of them), a random window of ``window`` tokens from the long ones."""
    def get_batch(batch_size: int, generator: torch.Generator):
        chosen = torch.randint(len(sequences), (batch_size,), generator=generator).tolist()
        picked = []
        for i in chosen:
            seq = sequences[i]
            if len(seq) > window + 1:
                start = int(torch.randint(len(seq) - window, (1,), generator=generator))
                seq = seq[start:start + window + 1]
            picked.append(seq)
        return pad_batch(picked, pad_id)
    return get_batch


@torch.no_grad()
def validation_nll(model: RecurrentLM, sequences, pad_id: int) -> float:
    """Mean NLL per predicted token over whole sequences (deterministic, eval mode)."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(sequences), 16):
        idx, targets = pad_batch(sequences[start:start + 16], pad_id)
        logits, _ = model(idx)
        total += float(torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum"))
        count += int((targets != -100).sum())
    model.train(was_training)
    return total / count


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
    fit(model, batch_sampler(sequences, tok.id("<pad>")), steps=STEPS, batch_size=BATCH_SIZE,
        lr=3e-3, seed=seed, progress=progress, description=NAME)
    ids = ",".join(m["id"] for m in split.train)
    return model, {"config": asdict(model.config), "tokenizer": tok.to_dict(),
                   "data_fingerprint": fingerprint(ids + repr(tok.to_dict())), "steps": STEPS,
                   "batch_size": BATCH_SIZE, "train_melodies": len(split.train),
                   "train_sequences_with_transpositions": len(sequences),
                   "metrics": evaluate(model)}
