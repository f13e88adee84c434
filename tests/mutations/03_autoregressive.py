"""Wrong and right answers for exercise 03 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_bigram_counts": {
        "wrong": {
            "transposed": """
def bigram_counts(text, vocab):
    counts = torch.zeros(len(vocab), len(vocab), dtype=torch.long)
    for a, b in zip(text, text[1:]):
        counts[vocab.index(b), vocab.index(a)] += 1
    return counts
""",
            "wraps_around": """
def bigram_counts(text, vocab):
    counts = torch.zeros(len(vocab), len(vocab), dtype=torch.long)
    for a, b in zip(text, text[1:] + text[:1]):
        counts[vocab.index(a), vocab.index(b)] += 1
    return counts
""",
            "float_counts": """
def bigram_counts(text, vocab):
    counts = torch.zeros(len(vocab), len(vocab))
    for a, b in zip(text, text[1:]):
        counts[vocab.index(a), vocab.index(b)] += 1
    return counts
""",
            "no_accumulate": """
def bigram_counts(text, vocab):
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    counts = torch.zeros(len(vocab), len(vocab), dtype=torch.long)
    if len(ids) > 1:
        counts[ids[:-1], ids[1:]] += 1
    return counts
""",
            "sorted_vocab": """
def bigram_counts(text, vocab):
    vocab = "".join(sorted(vocab))
    counts = torch.zeros(len(vocab), len(vocab), dtype=torch.long)
    for a, b in zip(text, text[1:]):
        counts[vocab.index(a), vocab.index(b)] += 1
    return counts
""",
        },
        "right": {
            "python_loop": """
def bigram_counts(text, vocab):
    counts = torch.zeros((len(vocab), len(vocab)), dtype=torch.int64)
    for a, b in zip(text, text[1:]):
        counts[vocab.index(a), vocab.index(b)] += 1
    return counts
""",
            "bincount": """
def bigram_counts(text, vocab):
    V = len(vocab)
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    flat = ids[:-1] * V + ids[1:] if len(ids) > 1 else torch.zeros(0, dtype=torch.long)
    return torch.bincount(flat, minlength=V * V).reshape(V, V)
""",
        },
        "common": ["transposed", "wraps_around", "float_counts", "no_accumulate"],
    },
    "test_bigram_probabilities": {
        "wrong": {
            "columns_normalised": """
def bigram_probabilities(counts, alpha=1.0):
    s = counts.float() + alpha
    return s / s.sum(dim=0, keepdim=True)
""",
            "ignores_alpha": """
def bigram_probabilities(counts, alpha=1.0):
    s = counts.float() + 1.0
    return s / s.sum(dim=1, keepdim=True)
""",
            "alpha_after_normalising": """
def bigram_probabilities(counts, alpha=1.0):
    s = counts.float()
    p = s / s.sum(dim=1, keepdim=True).clamp(min=1)
    return (p + alpha) / (p + alpha).sum(1, keepdim=True)
""",
            "global_normalisation": """
def bigram_probabilities(counts, alpha=1.0):
    s = counts.float() + alpha
    return s / s.sum()
""",
            "float64": """
def bigram_probabilities(counts, alpha=1.0):
    s = counts.double() + alpha
    return s / s.sum(dim=1, keepdim=True)
""",
        },
        "right": {
            "normalize": """
def bigram_probabilities(counts, alpha=1.0):
    return torch.nn.functional.normalize(counts.to(torch.float32) + alpha, p=1, dim=1)
""",
            "softmax_of_log": """
def bigram_probabilities(counts, alpha=1.0):
    return torch.log(counts.float() + alpha).softmax(dim=-1)
""",
        },
        "common": ["columns_normalised", "ignores_alpha", "global_normalisation", "float64"],
    },
    "test_temperature_probabilities": {
        "wrong": {
            "multiplies": """
def temperature_probabilities(logits, temperature):
    if not temperature > 0:
        raise ValueError(f"bad temperature {temperature}")
    return torch.softmax(logits * temperature, dim=-1)
""",
            "only_zero_rejected": """
def temperature_probabilities(logits, temperature):
    if temperature == 0:
        raise ValueError("temperature 0")
    return torch.softmax(logits / temperature, dim=-1)
""",
            "no_softmax": """
def temperature_probabilities(logits, temperature):
    if not temperature > 0:
        raise ValueError(f"bad temperature {temperature}")
    scaled = logits.exp() / temperature
    return scaled / scaled.sum()
""",
            "power_of_logits": """
def temperature_probabilities(logits, temperature):
    if not temperature > 0:
        raise ValueError(f"bad temperature {temperature}")
    p = logits.exp() ** (1 / temperature)
    return p / p.sum()
""",
            "no_check": """
def temperature_probabilities(logits, temperature):
    return torch.softmax(logits / temperature, dim=-1)
""",
        },
        "right": {
            "log_softmax_exp": """
def temperature_probabilities(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    return (logits / temperature).log_softmax(0).exp()
""",
            "stable_by_hand": """
def temperature_probabilities(logits, temperature):
    if not (isinstance(temperature, (int, float)) and temperature > 0):
        raise ValueError(f"temperature must be positive, got {temperature!r}")
    z = logits / temperature
    e = torch.exp(z - z.max())
    return e / e.sum()
""",
        },
        "common": ["multiplies", "no_softmax", "no_check"],
    },
    "test_choose_alpha": {
        "wrong": {
            "scored_on_training": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab)
    ids = torch.tensor([vocab.index(c) for c in train_text])
    nll = [-bigram_probabilities(counts, a)[ids[:-1], ids[1:]].log().mean().item() for a in alphas]
    return float(alphas[nll.index(min(nll))])
""",
            "highest_nll": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab)
    ids = torch.tensor([vocab.index(c) for c in validation_text])
    nll = [-bigram_probabilities(counts, a)[ids[:-1], ids[1:]].log().mean().item() for a in alphas]
    return float(alphas[nll.index(max(nll))])
""",
            "reversed_bigrams": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab)
    ids = torch.tensor([vocab.index(c) for c in validation_text])
    nll = [-bigram_probabilities(counts, a)[ids[1:], ids[:-1]].log().mean().item() for a in alphas]
    return float(alphas[nll.index(min(nll))])
""",
            "index_not_value": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab)
    ids = torch.tensor([vocab.index(c) for c in validation_text])
    nll = [-bigram_probabilities(counts, a)[ids[:-1], ids[1:]].log().mean().item() for a in alphas]
    return float(nll.index(min(nll)))
""",
            "assumes_sorted_alphas": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab)
    ids = torch.tensor([vocab.index(c) for c in validation_text])
    previous = float("inf")
    for i, a in enumerate(alphas):
        nll = -bigram_probabilities(counts, a)[ids[:-1], ids[1:]].log().mean().item()
        if nll > previous:
            return float(alphas[i - 1])
        previous = nll
    return float(alphas[-1])
""",
            "fixed_answer": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    return 0.1
""",
        },
        "right": {
            "counts_on_validation": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab).double()
    val = bigram_counts(validation_text, vocab).double()
    def nll(a):
        log_p = torch.log((counts + a) / (counts + a).sum(1, keepdim=True))
        return -(val * log_p).sum() / val.sum()
    return float(min(alphas, key=nll))
""",
            "cross_entropy": """
def choose_alpha(train_text, validation_text, vocab, alphas):
    counts = bigram_counts(train_text, vocab)
    ids = torch.tensor([vocab.index(c) for c in validation_text])
    best = None
    for a in alphas:
        logp = bigram_probabilities(counts, a).log()
        loss = torch.nn.functional.nll_loss(logp[ids[:-1]], ids[1:]).item()
        if best is None or loss < best[0]:
            best = (loss, a)
    return float(best[1])
""",
        },
        "common": ["scored_on_training", "highest_nll", "index_not_value"],
    },
}
