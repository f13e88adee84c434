"""The shipped character transformer: 3 layers of causal self-attention on Python's docs.

Lesson 07 loads it to compare with the char-gru and the n-gram. Same data, splits and
evaluation windows as :mod:`genai_course.recipes.char_gru` (train on the first 90%,
choose the early-stopping step on the next 5%, score the last 5% once), so the three
models' figures are directly comparable. The tokenizer is stored in the metadata, so
``load_pretrained("char-transformer")`` comes back with ``model.tokenizer``.

Tried and not kept (best validation loss in nats/char; this recipe's is 1.2144 at step
4,000): 4 layers of width 192 (1.84 M parameters), 1.2199; AdamW with cosine decay,
1.2226; an exponential moving average of the weights (decay 0.999), 1.2082, too small a
gain to retrain for. The same network on byte-pair tokens (``genai_course.bpe``, merges
learned on the training text, scored per character) learns faster per step but
over-fits the 0.4 M training characters early: 1.3584 at step 750 with 1,024 tokens, then
rising to 1.4869 by step 2,250; 2,048 tokens were worse (1.3820 at step 500) and 512
tokens too (1.4376 at step 500).
"""

from __future__ import annotations

import time
from dataclasses import asdict

import torch

from genai_course.data import fingerprint, load_corpus, text_batches
from genai_course.early_stopping import fit_with_early_stopping
from genai_course.models.transformer import TransformerConfig, TransformerLM
from genai_course.recipes.char_gru import (
    BLOCK_SIZE,
    TEST_FRACTION,
    VALIDATION_FRACTION,
    corpus_split,
    heldout_loss,
    validation_loss,
)
from genai_course.tokenizer import CharTokenizer

NAME = "char-transformer"
CARD = {
    "dataset": "python-docs",
    "intended": "Teaching: causal self-attention, attention maps, and the comparison with the GRU and the n-gram on held-out text (lesson 07). Out of scope: any real use.",
    "factors": "Sees at most 128 characters of context; technical English and code of the Python documentation only.",
    "ethics": "Trained on text written by Python's contributors (PSF licence); its samples may reproduce passages of it.",
    "caveats": "Character-level and small; its losses are per character and cannot be compared with the per-token losses of sub-word models.",
}
VALUE_SCALE = None  # a language model: token ids, no value scale
DESCRIPTION = (
    "Character-level causal transformer (3 layers, width 128, 4 heads, context 128) "
    "trained on the python-docs corpus; losses in nats per character."
)
BATCH_SIZE = 32
STEPS = (3500, 1500)  # steps at learning rate LRS[0], then at LRS[1]
LRS = (2e-3, 6e-4)
DROPOUT = 0.3  # 0.4 M training characters are over-fitted within ~3,500 steps at 0.2 (validation)
EVAL_EVERY = 250  # validation loss every 250 steps; the best weights are kept (early stopping)
SHAPE = {"layers": 3, "heads": 4, "hidden": 128}


def build(config: dict) -> TransformerLM:
    config = dict(config)
    tokenizer = config.pop("tokenizer", None)
    model = TransformerLM(TransformerConfig(**config))
    if tokenizer is not None:
        model.tokenizer = CharTokenizer.from_dict(tokenizer)
    return model


def evaluate(model: torch.nn.Module) -> dict:
    return {
        "val_loss_nats_per_char": round(validation_loss(model), 5),
        "test_loss_nats_per_char": round(heldout_loss(model, "test"), 5),
    }


def train(seed: int = 0, progress: bool = True):
    cpu_start = time.process_time()
    tokenizer, train_ids, _ = corpus_split()
    torch.manual_seed(seed)
    config = {
        "vocab_size": tokenizer.vocab_size,
        "block_size": BLOCK_SIZE,
        "dropout": DROPOUT,
        **SHAPE,
    }
    model = build(config)
    best = fit_with_early_stopping(
        model,
        text_batches(train_ids, BLOCK_SIZE),
        phases=tuple(zip(STEPS, LRS, strict=True)),
        validation_loss=validation_loss,
        eval_every=EVAL_EVERY,
        batch_size=BATCH_SIZE,
        seed=seed,
        progress=progress,
        name=NAME,
        device="cpu",
    )
    cpu_seconds = round(time.process_time() - cpu_start, 1)
    metadata = {
        "config": {**asdict(model.config), "tokenizer": tokenizer.to_dict()},
        "data_fingerprint": fingerprint(load_corpus("python-docs")),
        "parameters": sum(p.numel() for p in model.parameters()),
        "steps": sum(STEPS),
        "selected_step": best["step"],
        "batch_size": BATCH_SIZE,
        "block_size": BLOCK_SIZE,
        "learning_rates": list(LRS),
        "validation_fraction": VALIDATION_FRACTION,
        "test_fraction": TEST_FRACTION,
        "chosen_on": "validation",
        "cpu_seconds": cpu_seconds,
        "threads": torch.get_num_threads(),
        "metrics": evaluate(model),
    }
    return model, metadata
