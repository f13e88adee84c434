"""Wrong and right answers for exercise 07 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_causal_attention": {
        "wrong": {
            "no_mask": """
def causal_attention(q, k, v):
    weights = (q @ k.T / math.sqrt(q.shape[1])).softmax(dim=-1)
    return weights @ v, weights
""",
            "no_scaling": """
def causal_attention(q, k, v):
    T = q.shape[0]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    weights = (q @ k.T).masked_fill(future, float("-inf")).softmax(dim=-1)
    return weights @ v, weights
""",
            "mask_after_softmax": """
def causal_attention(q, k, v):
    T = q.shape[0]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    weights = (q @ k.T / math.sqrt(q.shape[1])).softmax(dim=-1).masked_fill(future, 0.0)
    return weights @ v, weights
""",
            "softmax_over_queries": """
def causal_attention(q, k, v):
    T = q.shape[0]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    weights = (q @ k.T / math.sqrt(q.shape[1])).masked_fill(future, float("-inf")).softmax(dim=0)
    return weights @ v, weights
""",
            "diagonal_masked_too": """
def causal_attention(q, k, v):
    T = q.shape[0]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=0)
    future[0, 0] = False
    weights = (q @ k.T / math.sqrt(q.shape[1])).masked_fill(future, float("-inf")).softmax(dim=-1)
    return weights @ v, weights
""",
        },
        "right": {
            "additive_minus_inf": """
def causal_attention(q, k, v):
    T, d = q.shape
    mask = torch.full((T, T), float("-inf")).triu(1)
    weights = torch.softmax(q @ k.transpose(0, 1) / d ** 0.5 + mask, dim=1)
    return weights @ v, weights
""",
            "tril_masked_fill": """
def causal_attention(q, k, v):
    T, d = q.shape
    keep = torch.tril(torch.ones(T, T)).bool()
    scores = (q @ k.T) / math.sqrt(d)
    weights = torch.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)
    return weights @ v, weights
""",
        },
        "common": ["no_mask", "mask_after_softmax"],
    },
    "test_merge": {
        "wrong": {
            "overlapping": """
def merge(ids, pair, new_id):
    out = []
    for i, t in enumerate(ids):
        if i + 1 < len(ids) and (t, ids[i + 1]) == tuple(pair):
            out.append(new_id)
        elif i > 0 and (ids[i - 1], t) == tuple(pair):
            continue
        else:
            out.append(t)
    return out
""",
            "unordered_pair": """
def merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and {ids[i], ids[i + 1]} == set(pair):
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out
""",
            "first_only": """
def merge(ids, pair, new_id):
    for i in range(len(ids) - 1):
        if (ids[i], ids[i + 1]) == tuple(pair):
            return list(ids[:i]) + [new_id] + list(ids[i + 2:])
    return list(ids)
""",
            "in_place": """
def merge(ids, pair, new_id):
    i = 0
    while i < len(ids) - 1:
        if (ids[i], ids[i + 1]) == tuple(pair):
            ids[i:i + 2] = [new_id]
        i += 1
    return ids
""",
        },
        "right": {
            "slice_compare": """
def merge(ids, pair, new_id):
    ids, out, i = list(ids), [], 0
    while i < len(ids):
        if ids[i:i + 2] == list(pair):
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out
""",
        },
        "common": ["overlapping", "first_only"],
    },
    "test_smallest_vocab": {
        "wrong": {
            "unsorted_sizes": """
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    for size in sizes:
        smaller = BPETokenizer(list(tokenizer.merges)[: size - 256])
        if block_size * len(text) / len(smaller.encode(text)) >= chars_needed:
            return size
    return None
""",
            "strict_inequality": """
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    for size in sorted(sizes):
        smaller = BPETokenizer(list(tokenizer.merges)[: size - 256])
        if block_size * len(text) / len(smaller.encode(text)) > chars_needed:
            return size
    return None
""",
            "full_tokenizer": """
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    for size in sorted(sizes):
        if block_size * len(text) / len(tokenizer.encode(text)) >= chars_needed:
            return size
    return None
""",
            "largest_that_fits": """
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    for size in sorted(sizes, reverse=True):
        smaller = BPETokenizer(list(tokenizer.merges)[: size - 256])
        if block_size * len(text) / len(smaller.encode(text)) >= chars_needed:
            return size
    return None
""",
            "bytes_not_characters": """
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    for size in sorted(sizes):
        smaller = BPETokenizer(list(tokenizer.merges)[: size - 256])
        if block_size * len(text.encode()) / len(smaller.encode(text)) >= chars_needed:
            return size
    return None
""",
        },
        "right": {
            "min_over_fitting": """
def smallest_vocab(tokenizer, text, sizes, chars_needed, block_size):
    def fits(size):
        tokens = BPETokenizer(list(tokenizer.merges)[: size - 256]).encode(text)
        return block_size * len(text) >= chars_needed * len(tokens)
    fitting = [size for size in sizes if fits(size)]
    return min(fitting) if fitting else None
""",
        },
        "common": ["largest_that_fits"],
    },
}
