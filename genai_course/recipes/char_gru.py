"""The shipped character model: a 1-layer GRU trained on Python's documentation.

Lesson 06 loads it instead of training for minutes; lessons 08 and 09 reuse it. The
tokenizer (its list of characters) is stored in the checkpoint's metadata, so
``load_pretrained("char-gru")`` comes back with ``model.tokenizer`` ready to use.

Splits (``split_corpus``): the first 90% of the corpus trains, the next 5% validates,
the last 5% tests. Each held-out part is cut into fixed consecutive windows of
``BLOCK_SIZE`` characters (``text_windows``), so a loss is the same on every run. Every
choice (the early-stopping step, the n-gram baseline's order and smoothing) is made on
the validation part; the test part is only scored, once, for the metadata. The best
smoothed character n-gram is the baseline the network has to beat, on the same windows.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from functools import lru_cache

import torch

from genai_course.data import fingerprint, load_corpus, text_batches
from genai_course.data.text import split_corpus
from genai_course.early_stopping import fit_with_early_stopping
from genai_course.models.contract import renamed
from genai_course.models.language_model import sequence_loss, token_losses
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.tokenizer import CharTokenizer

NAME = "char-gru"
DESCRIPTION = (
    "Character-level GRU language model (1 layer, 256 units, embedding 64) "
    "trained on the python-docs corpus; validation loss in nats per character."
)
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": "python-docs",
    "intended": (
        "Teaching: next-character prediction, decoding rules, watermarking and "
        "memorisation checks in lessons 06 and 09. Out of scope: any real use; its text "
        "is not reliable documentation and may quote its training data."
    ),
    "factors": (
        "Performance depends on how close a prompt is to the technical English and code "
        "of the Python documentation; other languages, registers and topics were never "
        "seen."
    ),
    "ethics": (
        "Trained on text written by Python's contributors (PSF licence); long verbatim "
        "passages of its samples may reproduce that text (lesson 09 measures how long)."
    ),
    "caveats": (
        "Character-level and small: fluent-looking but often meaningless text. Do not "
        "present its output as documentation."
    ),
}
VALUE_SCALE = None  # a language model: token ids, no value scale
BLOCK_SIZE = 128
BATCH_SIZE = 32
STEPS = (1500, 500)  # steps at learning rate LRS[0], then at LRS[1]
LRS = (3e-3, 1e-3)
DROPOUT = 0.2  # on the GRU's outputs: 0.4 M characters of training text are quickly over-fitted
EVAL_EVERY = 250  # validation loss every 250 steps; the best weights are kept (early stopping)
VALIDATION_FRACTION = 0.05  # the 5% after the training text: every choice is made here
TEST_FRACTION = 0.05  # the last 5%: scored once, nothing is chosen on it
NGRAM_ORDERS = (2, 3, 4, 5, 6, 7, 8, 9, 10)  # the baseline: best of these orders and ks
NGRAM_KS = (0.1, 0.3, 1.0)
REPEAT_LENGTH = 32  # a held-out character is "repeated" when the 32 ending at it occur in training


@lru_cache(maxsize=1)
def corpus_splits() -> tuple[CharTokenizer, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The tokenizer (all characters of the corpus) and the encoded train/validation/test ids."""
    text = load_corpus("python-docs")
    tokenizer = CharTokenizer.from_text(text)
    parts = split_corpus(text, VALIDATION_FRACTION, TEST_FRACTION)
    return (tokenizer, *(tokenizer.encode(part) for part in parts))


def corpus_split() -> tuple[CharTokenizer, torch.Tensor, torch.Tensor]:
    """The tokenizer and the encoded train/validation ids (no test: for choosing things)."""
    return corpus_splits()[:3]


def build(config: dict) -> RecurrentLM:
    config = dict(config)
    tokenizer = config.pop("tokenizer", None)
    model = RecurrentLM(RNNConfig(**renamed(config)))
    if tokenizer is not None:
        model.tokenizer = CharTokenizer.from_dict(tokenizer)
    return model


def _heldout_ids(split: str) -> torch.Tensor:
    parts = dict(zip(("validation", "test"), corpus_splits()[2:], strict=True))
    if split not in parts:
        raise ValueError(f"split must be 'validation' or 'test', got {split!r}.")
    return parts[split]


def heldout_loss(model: torch.nn.Module, split: str = "validation", batch_rows: int = 64) -> float:
    """Mean next-character cross-entropy (nats/char) on the fixed windows of a held-out split
    (:func:`genai_course.models.language_model.sequence_loss` with ``BLOCK_SIZE``)."""
    return sequence_loss(model, _heldout_ids(split), BLOCK_SIZE, batch_rows=batch_rows)


@lru_cache(maxsize=1)
def _training_index():
    from genai_course.ethics.memorisation import CorpusIndex

    return CorpusIndex(corpus_splits()[1])


def repeated_characters(split: str = "test", length: int = REPEAT_LENGTH) -> torch.Tensor:
    """Which predictions of a held-out split have a repeated target: entry ``i`` is True when
    the ``length`` characters ending at character ``i + 1`` occur in the training text.

    Aligned with :func:`genai_course.models.language_model.token_losses` on the split's ids.
    """
    from genai_course.ethics.memorisation import repeated_targets

    return repeated_targets(_heldout_ids(split), _training_index(), length)


def repeated_share_and_losses(
    model: torch.nn.Module, split: str = "test", length: int = REPEAT_LENGTH
) -> dict:
    """A held-out split's loss in two parts: characters that continue a passage of the
    training text, and new text.

    The documentation repeats itself (boilerplate, tables, the same sentence in two
    topics), so some held-out characters end a stretch of ``length`` characters that occurs
    word for word in the training text. An n-gram recalls such passages from its table; a
    network must have memorised them. Returns the share of scored characters that are
    repeated and the mean loss (nats/char) on each part, on the windows of
    :func:`heldout_loss`.
    """
    losses = token_losses(model, _heldout_ids(split), BLOCK_SIZE)  # losses[i] predicts ids[i + 1]
    repeated = repeated_characters(split, length)[: len(losses)]
    if repeated.all() or not repeated.any():
        raise ValueError(
            f"every or no character of the {split} split is repeated at length={length}: "
            "choose another length to split it in two."
        )
    return {
        "repeated_share": float(repeated.float().mean()),
        "repeated": float(losses[repeated].double().mean()),
        "new": float(losses[~repeated].double().mean()),
    }


def validation_loss(model: torch.nn.Module, batch_rows: int = 64) -> float:
    """Loss on the validation windows: the one to choose with."""
    return heldout_loss(model, "validation", batch_rows)


def evaluate(model: torch.nn.Module) -> dict:
    return {
        "val_loss_nats_per_char": round(validation_loss(model), 5),
        "test_loss_nats_per_char": round(heldout_loss(model, "test"), 5),
    }


def train(seed: int = 0, progress: bool = True):
    cpu_start = time.process_time()
    tokenizer, train_ids, valid_ids = corpus_split()
    torch.manual_seed(seed)
    config = {
        "vocab_size": tokenizer.vocab_size,
        "embed_dim": 64,
        "hidden": 256,
        "layers": 1,
        "dropout": DROPOUT,
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
    )
    from genai_course.models.ngram import best_ngram

    baseline, _ = best_ngram(
        train_ids, valid_ids, orders=NGRAM_ORDERS, ks=NGRAM_KS, vocab_size=tokenizer.vocab_size
    )
    metadata = {
        "config": {**asdict(model.config), "tokenizer": tokenizer.to_dict()},
        "data_fingerprint": fingerprint(load_corpus("python-docs")),
        "steps": sum(STEPS),
        "selected_step": best["step"],
        "batch_size": BATCH_SIZE,
        "block_size": BLOCK_SIZE,
        "learning_rates": list(LRS),
        "validation_fraction": VALIDATION_FRACTION,
        "test_fraction": TEST_FRACTION,
        "chosen_on": "validation",
        "metrics": evaluate(model),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
        "baseline": {
            "model": f"{baseline.config.n}-gram, add-k smoothing k={baseline.config.k} "
            "with interpolation, order and k chosen on validation",
            **evaluate(baseline),
        },
    }
    return model, metadata


def rescore(directory=None) -> dict:
    """Re-score the shipped weights on today's splits, without retraining; rewrite the metadata.

    The n-gram baseline is chosen again, on the validation split only. The GRU's own
    early-stopping step was chosen when the validation split was the whole last 10%,
    which holds today's test split: the metadata says so (``selection_caveat``).
    """
    import json
    from pathlib import Path

    from genai_course.models.ngram import best_ngram
    from genai_course.pretrained.store import PRETRAINED_DIR, load_pretrained

    directory = Path(directory or PRETRAINED_DIR)
    model = load_pretrained(NAME, directory)
    metadata = dict(model.pretrained_metadata)
    cpu_start = time.process_time()
    tokenizer, train_ids, valid_ids = corpus_split()
    baseline, _ = best_ngram(
        train_ids, valid_ids, orders=NGRAM_ORDERS, ks=NGRAM_KS, vocab_size=tokenizer.vocab_size
    )
    metadata.update(
        validation_fraction=VALIDATION_FRACTION,
        test_fraction=TEST_FRACTION,
        chosen_on="validation",
        metrics=evaluate(model),
        baseline={
            "model": f"{baseline.config.n}-gram, add-k smoothing k={baseline.config.k} "
            "with interpolation, order and k chosen on validation",
            "search": [[n, k, round(loss, 5)] for n, k, loss in baseline.search],
            **evaluate(baseline),
        },
        selection_caveat=(
            "selected_step was chosen (among 8 checkpoints) on the former validation "
            "split, the whole last 10%, which contains today's test split (its last "
            "half); the weights were not retrained"
        ),
        rescore_cpu_seconds=round(time.process_time() - cpu_start, 1),
    )
    (directory / f"{NAME}.json").write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return metadata
