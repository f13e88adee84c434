"""Benchmark rows for the language models: transformer and GRU against the best n-gram.

All three are scored on the same fixed windows of the corpus's validation and test splits
(:mod:`genai_course.recipes.char_gru`). The n-gram's order and smoothing are chosen on the
validation split only; each network's early-stopping step too. The test rows are the ones
to report: nothing was chosen on them. Losses are recomputed here, not read from metadata.
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
    rows = []
    for model_name in ("char-transformer", "char-gru"):
        model = load_pretrained(model_name)
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
    return rows
