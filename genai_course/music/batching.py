"""Melodies as training batches: token ids of each melody (with transpositions as data
augmentation), padded batches for ``fit``, and the validation loss over whole melodies.

Moved here from the chorale recipe so that a lesson (or a learner's own music) can batch
melodies without importing a training recipe.
"""

from __future__ import annotations

import torch

from genai_course.music.tokens import MelodyTokenizer

MAX_SHIFT = 6  # transpose by up to 6 semitones either way (key-aware, staying in range)


def encoded_melodies(
    melodies, tok: MelodyTokenizer, *, augment: bool, max_shift: int = MAX_SHIFT
) -> list[list[int]]:
    """Token ids of each melody; with ``augment``, one copy per key-aware transposition."""
    from genai_course.music.tokens import transpose

    out = []
    for melody in melodies:
        notes = [tuple(n) for n in melody["notes"]]
        shifts = (
            tok.transpositions(notes, max_shift=max_shift, key_sharps=melody["key_sharps"])
            if augment
            else [0]
        )
        out.extend(tok.encode(transpose(notes, s)) for s in shifts)
    return out


def pad_batch(sequences, pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets; padded targets are -100, which cross-entropy ignores."""
    length = max(len(s) for s in sequences) - 1
    if length < 1:
        raise ValueError("pad_batch needs at least one sequence of two or more tokens.")
    idx = torch.full((len(sequences), length), pad_id, dtype=torch.long, device="cpu")
    targets = torch.full((len(sequences), length), -100, dtype=torch.long, device="cpu")
    for row, seq in enumerate(sequences):
        seq = torch.tensor(seq, dtype=torch.long, device="cpu")
        idx[row, : len(seq) - 1] = seq[:-1]
        targets[row, : len(seq) - 1] = seq[1:]
    return idx, targets


def batch_sampler(sequences, pad_id: int, window: int = 192):
    """``get_batch(batch_size, generator)`` for :func:`fit`: random melodies (random
    transpositions of them), a random window of ``window`` tokens from the long ones."""

    def get_batch(batch_size: int, generator: torch.Generator):
        chosen = torch.randint(
            len(sequences), (batch_size,), generator=generator, device=generator.device
        ).tolist()
        picked = []
        for i in chosen:
            seq = sequences[i]
            if len(seq) > window + 1:
                start = int(
                    torch.randint(
                        len(seq) - window, (1,), generator=generator, device=generator.device
                    )
                )
                seq = seq[start : start + window + 1]
            picked.append(seq)
        return pad_batch(picked, pad_id)

    return get_batch


@torch.no_grad()
def validation_nll(model: torch.nn.Module, sequences, pad_id: int) -> float:
    """Mean NLL per predicted token over whole sequences (deterministic, eval mode).

    Whole melodies, padded (the padded targets are ignored): unlike a long text, melodies
    are scored one piece at a time, so this is the melody counterpart of
    :func:`genai_course.models.language_model.sequence_loss`."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(sequences), 16):
        idx, targets = pad_batch(sequences[start : start + 16], pad_id)
        logits, _ = model(idx.to(device))
        targets = targets.to(device)
        total += float(
            torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum"
            )
        )
        count += int((targets != -100).sum())
    model.train(was_training)
    return total / count


def tokenizer_for(melodies) -> MelodyTokenizer:
    """A :class:`MelodyTokenizer` whose pitch range and durations are those of ``melodies``
    (lists of ``(midi_pitch or None, quarter_length[, fermata])`` notes): for your own music,
    whose range and rhythms need not be the chorales'."""
    pitches, durations = [], set()
    for melody in melodies:
        for note in melody:
            pitch, length = note[0], float(note[1])
            if pitch is not None:
                pitches.append(int(pitch))
            durations.add(length)
    if not pitches:
        raise ValueError(
            "The melodies hold no pitched note: give lists of (midi_pitch, "
            "quarter_length) notes, e.g. [(60, 1.0), (62, 0.5)]."
        )
    low, high = min(pitches), max(pitches)
    return MelodyTokenizer(low=low, high=max(high, low + 1), durations=sorted(durations))
