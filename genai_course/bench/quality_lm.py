"""Benchmark rows for the language models: transformer and GRU against the best n-gram.

All three are scored on the same fixed windows of the corpus's validation and test splits
(:mod:`genai_course.recipes.char_gru`). The n-gram's order and smoothing are chosen on the
validation split only; each network's early-stopping step too. The test rows are the ones
to report: nothing was chosen on them. Losses are recomputed here, not read from metadata.

A last row per network splits the test loss: about a quarter of the test split continues,
word for word, a passage of the training text (the documentation repeats itself), which
an n-gram recalls from its table; the "new text" row scores the rest.
"""

from __future__ import annotations


def lm_rows(quick: bool = False) -> list:
    """Validation and test loss (nats/char) of char-transformer and char-gru vs the best n-gram.

    Imports :mod:`genai_course.bench.quality` inside, so that module can list this one.
    """
    from genai_course.bench.quality import QualityRow, _r
    from genai_course.models.ngram import best_ngram
    from genai_course.pretrained.store import load_pretrained
    from genai_course.recipes import char_gru

    tokenizer, train_ids, valid_ids = char_gru.corpus_split()
    orders, ks = ((6, 8), (0.3,)) if quick else (char_gru.NGRAM_ORDERS, char_gru.NGRAM_KS)
    ngram, _ = best_ngram(
        train_ids, valid_ids, orders=orders, ks=ks, vocab_size=tokenizer.vocab_size
    )
    name = f"best n-gram ({ngram.config.n}-gram, add-k k={ngram.config.k}, interpolated)"
    base = {split: char_gru.heldout_loss(ngram, split) for split in ("validation", "test")}
    ngram_parts = char_gru.repeated_share_and_losses(ngram, "test")
    parts = {}
    rows = []
    for model_name in ("char-transformer", "char-gru"):
        model = load_pretrained(model_name)
        parts[model_name] = char_gru.repeated_share_and_losses(model, "test")
        for split in ("validation", "test"):
            rows.append(
                QualityRow(
                    model_name,
                    f"{split} loss (nats/char)",
                    name,
                    False,
                    primary=split == "test",
                    value=_r(char_gru.heldout_loss(model, split)),
                    baseline_value=_r(base[split]),
                    note=(
                        f"n-gram order and k chosen on validation among n in {orders}, k in {ks}; "
                        + (
                            "nothing was chosen on this split"
                            if split == "test"
                            else "the split every choice was made on"
                        )
                    ),
                )
            )
        rows.append(new_text_row(model_name, name, parts[model_name], ngram_parts))
    return rows


def new_text_row(model_name, baseline_name, parts, ngram_parts):
    """Test loss on the characters that do not continue a passage of the training text."""
    from genai_course.bench.quality import QualityRow, _r
    from genai_course.recipes.char_gru import REPEAT_LENGTH

    return QualityRow(
        model_name,
        "test loss on new text (nats/char)",
        baseline_name,
        False,
        primary=False,
        value=_r(parts["new"]),
        baseline_value=_r(ngram_parts["new"]),
        note=(
            f"test characters whose {REPEAT_LENGTH} characters ending there do not occur in "
            f"the training text; the other {ngram_parts['repeated_share']:.1%} continue a "
            f"passage of it, where this model scores {parts['repeated']:.3f} against the "
            f"n-gram's {ngram_parts['repeated']:.3f} (a table recalls repeated text)"
        ),
    )
