"""The shipped character model: a 1-layer GRU trained on Python's documentation.

Lesson 06 loads it instead of training for minutes; lessons 08 and 09 reuse it. The
tokenizer (its list of characters) is stored in the checkpoint's metadata, so
``load_pretrained("char-gru")`` comes back with ``model.tokenizer`` ready to use.

Validation: the last 10% of the corpus (``split_text``), cut into fixed consecutive
windows of ``BLOCK_SIZE`` characters (``text_windows``), so the loss is the same on every
run. The best smoothed character n-gram, scored on the very same windows, is recorded
next to it as the baseline the network has to beat.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache

import torch

from genai_course.data import fingerprint, load_corpus, split_text, text_batches
from genai_course.models.contract import renamed
from genai_course.models.language_model import sequence_loss
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.tokenizer import CharTokenizer
from genai_course.training import fit

NAME = "char-gru"
DESCRIPTION = ("Character-level GRU language model (1 layer, 256 units, embedding 64) "
               "trained on the python-docs corpus; validation loss in nats per character.")
# The model card's words (what metadata cannot say); see genai_course.ethics.modelcards.
CARD = {
    "dataset": 'python-docs',
    "intended": ('Teaching: next-character prediction, decoding rules, watermarking and '
             'memorisation checks in lessons 06 and 09. Out of scope: any real use; its text '
             'is not reliable documentation and may quote its training data.'),
    "factors": ('Performance depends on how close a prompt is to the technical English and code '
             'of the Python documentation; other languages, registers and topics were never '
             'seen.'),
    "ethics": ("Trained on text written by Python's contributors (PSF licence); long verbatim "
             'passages of its samples may reproduce that text (lesson 09 measures how long).'),
    "caveats": ('Character-level and small: fluent-looking but often meaningless text. Do not '
             'present its output as documentation.'),
}
VALUE_SCALE = None  # a language model: token ids, no value scale
BLOCK_SIZE = 128
BATCH_SIZE = 32
STEPS = (1500, 500)  # steps at learning rate LRS[0], then at LRS[1]
LRS = (3e-3, 1e-3)
DROPOUT = 0.2  # on the GRU's outputs: 0.4 M characters of training text are quickly over-fitted
EVAL_EVERY = 250  # validation loss every 250 steps; the best weights are kept (early stopping)
VALIDATION_FRACTION = 0.1
NGRAM_ORDERS = (2, 3, 4, 5, 6, 7, 8, 9, 10)  # the baseline: best of these orders and ks
NGRAM_KS = (0.1, 0.3, 1.0)


@lru_cache(maxsize=1)
def corpus_split() -> tuple[CharTokenizer, torch.Tensor, torch.Tensor]:
    """The tokenizer (all characters of the corpus) and the encoded train/validation ids."""
    text = load_corpus("python-docs")
    tokenizer = CharTokenizer.from_text(text)
    train_text, valid_text = split_text(text, VALIDATION_FRACTION)
    return tokenizer, tokenizer.encode(train_text), tokenizer.encode(valid_text)


def build(config: dict) -> RecurrentLM:
    config = dict(config)
    tokenizer = config.pop("tokenizer", None)
    model = RecurrentLM(RNNConfig(**renamed(config)))
    if tokenizer is not None:
        model.tokenizer = CharTokenizer.from_dict(tokenizer)
    return model


def validation_loss(model: torch.nn.Module) -> float:
    """Mean next-character cross-entropy (nats/char) on the fixed validation windows
    (:func:`genai_course.models.language_model.sequence_loss` with ``BLOCK_SIZE``)."""
    _, _, valid = corpus_split()
    return sequence_loss(model, valid, BLOCK_SIZE)


def evaluate(model: torch.nn.Module) -> dict:
    return {"val_loss_nats_per_char": round(validation_loss(model), 5)}


def train(seed: int = 0, progress: bool = True):
    tokenizer, train_ids, valid_ids = corpus_split()
    torch.manual_seed(seed)
    config = {"vocab_size": tokenizer.vocab_size, "embed_dim": 64, "hidden": 256,
              "layers": 1, "dropout": DROPOUT}
    model = build(config)
    get_batch = text_batches(train_ids, BLOCK_SIZE)
    best = {"loss": float("inf"), "step": 0, "state": None}
    done = 0

    def keep_best(step, logs, m):  # early stopping: keep the weights with the best validation loss
        if (done + step) % EVAL_EVERY == 0:
            loss = validation_loss(m)
            if loss < best["loss"]:
                best.update(loss=loss, step=done + step,
                            state={k: v.clone() for k, v in m.state_dict().items()})

    for phase, (steps, lr) in enumerate(zip(STEPS, LRS, strict=True)):
        fit(model, get_batch, steps=steps, batch_size=BATCH_SIZE, lr=lr, seed=seed + phase,
            progress=progress, description=f"char-gru lr={lr}", callbacks=[keep_best])
        done += steps
    model.load_state_dict(best["state"])
    model.eval()
    from genai_course.models.ngram import best_ngram

    baseline, _ = best_ngram(train_ids, valid_ids, orders=NGRAM_ORDERS, ks=NGRAM_KS,
                             vocab_size=tokenizer.vocab_size)
    baseline_loss = validation_loss(baseline)
    metadata = {
        "config": {**asdict(model.config), "tokenizer": tokenizer.to_dict()},
        "data_fingerprint": fingerprint(load_corpus("python-docs")),
        "steps": sum(STEPS), "selected_step": best["step"], "batch_size": BATCH_SIZE, "block_size": BLOCK_SIZE,
        "learning_rates": list(LRS), "validation_fraction": VALIDATION_FRACTION,
        "metrics": evaluate(model),
        "baseline": {"model": f"{baseline.config.n}-gram, add-k smoothing k={baseline.config.k} "
                              "with interpolation", "val_loss_nats_per_char": round(baseline_loss, 5)},
    }
    return model, metadata
