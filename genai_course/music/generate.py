"""Continue a seed phrase with a melody language model, one token at a time.

The seed notes are encoded after ``<start>``, the model extends the token sequence
(:func:`genai_course.sampling.generate` with temperature / top-k), and the tokens are
decoded back into notes. A *grammar mask* (:meth:`MelodyTokenizer.logits_hook`) forbids
tokens that cannot follow the previous one (a duration must follow a pitch), so every
generated sequence decodes into notes.
"""

from __future__ import annotations

import torch

from genai_course.music.tokens import END, START, MelodyTokenizer
from genai_course.validation import check_positive_int


def continue_melody(
    model,
    tokenizer: MelodyTokenizer,
    seed_notes,
    n_notes: int = 32,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
    allow_end: bool = False,
) -> list[tuple]:
    """``seed_notes`` followed by ``n_notes`` generated notes.

    With ``allow_end=False`` the ``<end>`` token is forbidden, so the result has exactly
    ``len(seed_notes) + n_notes`` notes; with ``allow_end=True`` the model may finish the
    piece earlier.
    """
    n_notes = check_positive_int("n_notes", n_notes)
    seed_notes = [tuple(n) for n in seed_notes]
    prompt = [tokenizer.id(START)] + tokenizer.encode(seed_notes, boundaries=False)
    end_id = tokenizer.id(END)

    def hook(logits, idx):
        logits = tokenizer.logits_hook(logits, idx)
        if not allow_end:
            logits[:, end_id] = float("-inf")
        return logits

    device = next(model.parameters()).device  # the prompt follows the model (CPU or GPU)
    idx = torch.tensor([prompt], dtype=torch.long, device=device)
    out = model.generate(
        idx,
        3 * n_notes,
        temperature=temperature,
        top_k=top_k,
        generator=generator,
        logits_hook=hook,
    )
    notes = tokenizer.decode(out[0].tolist(), strict=False)
    return notes[: len(seed_notes) + n_notes]
