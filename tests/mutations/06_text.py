"""Wrong and right answers for exercise 06 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_top_k_filter": {
        "wrong": {
            "keeps_ties": """
def top_k_filter(logits, k):
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, NEG_INF)
""",
            "keeps_smallest": """
def top_k_filter(logits, k):
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k, largest=False).indices, True)
    return logits.masked_fill(~keep, NEG_INF)
""",
            "off_by_one": """
def top_k_filter(logits, k):
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k - 1).indices, True)
    return logits.masked_fill(~keep, NEG_INF)
""",
            "modifies_input": """
def top_k_filter(logits, k):
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k).indices, True)
    logits[~keep] = NEG_INF
    return logits
""",
            "flattens_batch": """
def top_k_filter(logits, k):
    flat = logits.reshape(-1)
    keep = torch.zeros_like(flat, dtype=torch.bool).scatter(0, torch.topk(flat, k).indices, True)
    return flat.masked_fill(~keep, NEG_INF).reshape(logits.shape)
""",
            "zero_not_minus_inf": """
def top_k_filter(logits, k):
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k).indices, True)
    return logits.masked_fill(~keep, 0.0)
""",
        },
        "right": {
            "package_rule": """
def top_k_filter(logits, k):
    from genai_course.sampling import top_k_filter as package_top_k
    return package_top_k(logits, k)
""",
            "sort_and_scatter": """
def top_k_filter(logits, k):
    order = logits.argsort(dim=-1, descending=True)
    drop = order[..., k:]
    return logits.scatter(-1, drop, NEG_INF)
""",
            "full_like": """
def top_k_filter(logits, k):
    values, indices = torch.topk(logits, k)
    out = torch.full_like(logits, float("-inf"))
    return out.scatter(-1, indices, values)
""",
        },
        "common": [
            "keeps_ties",
            "keeps_smallest",
            "off_by_one",
            "modifies_input",
            "zero_not_minus_inf",
        ],
    },
    "test_top_p_filter": {
        "wrong": {
            "includes_own_probability": """
def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    cum = sorted_logits.softmax(-1).cumsum(-1)
    drop = torch.zeros_like(cum, dtype=torch.bool).scatter(-1, order, cum > p)
    return logits.masked_fill(drop, NEG_INF)
""",
            "ascending_sort": """
def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1)
    probs = sorted_logits.softmax(-1)
    before = probs.cumsum(-1) - probs
    drop = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, before >= p)
    return logits.masked_fill(drop, NEG_INF)
""",
            "mask_not_unsorted": """
def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = sorted_logits.softmax(-1)
    return logits.masked_fill(probs.cumsum(-1) - probs >= p, NEG_INF)
""",
            "logits_as_log_probabilities": """
def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = sorted_logits.exp()
    before = probs.cumsum(-1) - probs
    drop = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, before >= p)
    return logits.masked_fill(drop, NEG_INF)
""",
            "probability_threshold": """
def top_p_filter(logits, p):
    return logits.masked_fill(logits.softmax(-1) < 1 - p, NEG_INF)
""",
            "flattened_softmax": """
def top_p_filter(logits, p):
    flat = logits.reshape(-1)
    sorted_logits, order = torch.sort(flat, descending=True)
    probs = sorted_logits.softmax(-1)
    drop = torch.zeros_like(probs, dtype=torch.bool).scatter(0, order, probs.cumsum(0) - probs >= p)
    return flat.masked_fill(drop, NEG_INF).reshape(logits.shape)
""",
        },
        "right": {
            "package": """
def top_p_filter(logits, p):
    from genai_course.sampling import top_p_filter as package_top_p
    return package_top_p(logits, p)
""",
            "shifted_mask": """
def top_p_filter(logits, p):
    sorted_logits, idx = logits.sort(descending=True)
    cum = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cum > p
    remove[..., 1:] = remove[..., :-1].clone()
    remove[..., 0] = False
    out = logits.clone()
    out.scatter_(-1, idx, sorted_logits.masked_fill(remove, float("-inf")))
    return out
""",
        },
        "common": [
            "includes_own_probability",
            "ascending_sort",
            "mask_not_unsorted",
            "probability_threshold",
        ],
    },
    "test_perplexity": {
        "wrong": {
            "no_exp": """
def perplexity(logits, targets):
    return F.cross_entropy(logits, targets).item()
""",
            "base_two": """
def perplexity(logits, targets):
    return 2.0 ** F.cross_entropy(logits, targets).item()
""",
            "summed_cross_entropy": """
def perplexity(logits, targets):
    return math.exp(F.cross_entropy(logits, targets, reduction="sum").item())
""",
            "mean_of_exp": """
def perplexity(logits, targets):
    return F.cross_entropy(logits, targets, reduction="none").exp().mean().item()
""",
            "logits_as_log_probabilities": """
def perplexity(logits, targets):
    return math.exp(-logits[torch.arange(len(targets)), targets].mean().item())
""",
            "inverse_mean_probability": """
def perplexity(logits, targets):
    return 1.0 / logits.softmax(-1)[torch.arange(len(targets)), targets].mean().item()
""",
        },
        "right": {
            "log_softmax_gather": """
def perplexity(logits, targets):
    nll = -logits.log_softmax(dim=1).gather(1, targets[:, None]).squeeze(1)
    return float(torch.exp(nll.mean()))
""",
            "geometric_mean": """
def perplexity(logits, targets):
    p = torch.softmax(logits.double(), -1)[torch.arange(len(targets)), targets]
    return float(torch.prod(p) ** (-1.0 / len(targets)))
""",
        },
        "common": ["no_exp", "base_two", "summed_cross_entropy", "logits_as_log_probabilities"],
    },
    "test_best_temperature": {
        "wrong": {
            "multiplies": """
def best_temperature(logits, targets, temperatures):
    scores = [perplexity(logits * t, targets) for t in temperatures]
    return float(temperatures[scores.index(min(scores))])
""",
            "highest_perplexity": """
def best_temperature(logits, targets, temperatures):
    scores = [perplexity(logits / t, targets) for t in temperatures]
    return float(temperatures[scores.index(max(scores))])
""",
            "by_accuracy": """
def best_temperature(logits, targets, temperatures):
    scores = [((logits / t).argmax(-1) == targets).float().mean().item() for t in temperatures]
    return float(temperatures[scores.index(max(scores))])
""",
            "always_one": """
def best_temperature(logits, targets, temperatures):
    return 1.0
""",
            "index_not_value": """
def best_temperature(logits, targets, temperatures):
    scores = [perplexity(logits / t, targets) for t in temperatures]
    return float(scores.index(min(scores)))
""",
            "entropy_not_perplexity": """
def best_temperature(logits, targets, temperatures):
    def entropy(t):
        p = (logits / t).softmax(-1)
        return -(p * p.log()).sum(-1).mean().item()
    scores = [entropy(t) for t in temperatures]
    return float(temperatures[scores.index(min(scores))])
""",
        },
        "right": {
            "cross_entropy_loop": """
def best_temperature(logits, targets, temperatures):
    best_t, best_loss = None, float("inf")
    for t in temperatures:
        loss = F.cross_entropy(logits / t, targets).item()
        if loss < best_loss:
            best_t, best_loss = t, loss
    return float(best_t)
""",
            "min_key": """
def best_temperature(logits, targets, temperatures):
    return float(min(temperatures, key=lambda t: perplexity(logits / t, targets)))
""",
        },
        "common": [
            "multiplies",
            "highest_perplexity",
            "by_accuracy",
            "always_one",
            "index_not_value",
        ],
    },
}
