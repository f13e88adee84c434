"""Wrong and right answers for exercise 09 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_count_green": {
        "wrong": {
            "scores_first_token": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    n = sum(int(green_mask(tokens[t - 1], vocab_size, gamma, key)[tokens[t]]) for t in range(len(tokens)))
    return n, len(tokens)
""",
            "own_mask": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    n = sum(int(green_mask(t, vocab_size, gamma, key)[t]) for t in tokens[1:])
    return n, max(len(tokens) - 1, 0)
""",
            "ignores_gamma_and_key": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    n = sum(int(green_mask(a, vocab_size)[b]) for a, b in zip(tokens[:-1], tokens[1:]))
    return n, max(len(tokens) - 1, 0)
""",
            "next_token_mask": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    n = sum(int(green_mask(b, vocab_size, gamma, key)[a]) for a, b in zip(tokens[:-1], tokens[1:]))
    return n, max(len(tokens) - 1, 0)
""",
            "tensor_counts": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    n = sum(green_mask(a, vocab_size, gamma, key)[b] for a, b in zip(tokens[:-1], tokens[1:]))
    return torch.as_tensor(n), torch.tensor(max(len(tokens) - 1, 0))
""",
            "negative_scored_count": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    n = sum(int(green_mask(a, vocab_size, gamma, key)[b]) for a, b in zip(tokens[:-1], tokens[1:]))
    return n, len(tokens) - 1
""",
        },
        "right": {
            "index_loop": """
def count_green(tokens, vocab_size, gamma=0.5, key=42):
    green = 0
    for t in range(1, len(tokens)):
        if green_mask(tokens[t - 1], vocab_size, gamma=gamma, key=key)[tokens[t]]:
            green += 1
    return green, max(0, len(tokens) - 1)
""",
        },
        "common": ["scores_first_token", "own_mask", "next_token_mask", "tensor_counts"],
    },
    "test_watermark_z_score": {
        "wrong": {
            "variance_not_std": """
def watermark_z_score(n_green, n_scored, gamma=0.5):
    if n_scored == 0:
        raise ValueError("nothing scored")
    return float((n_green - gamma * n_scored) / (n_scored * gamma * (1 - gamma)))
""",
            "missing_one_minus_gamma": """
def watermark_z_score(n_green, n_scored, gamma=0.5):
    if n_scored == 0:
        raise ValueError("nothing scored")
    return float((n_green - gamma * n_scored) / math.sqrt(n_scored * gamma))
""",
            "gamma_one_half_in_variance": """
def watermark_z_score(n_green, n_scored, gamma=0.5):
    if n_scored == 0:
        raise ValueError("nothing scored")
    return float((n_green - gamma * n_scored) / math.sqrt(n_scored * 0.25))
""",
            "fraction_not_count": """
def watermark_z_score(n_green, n_scored, gamma=0.5):
    if n_scored == 0:
        raise ValueError("nothing scored")
    return float((n_green / n_scored - gamma) / math.sqrt(gamma * (1 - gamma)))
""",
            "no_error": """
def watermark_z_score(n_green, n_scored, gamma=0.5):
    if n_scored == 0:
        return 0.0
    return float((n_green - gamma * n_scored) / math.sqrt(n_scored * gamma * (1 - gamma)))
""",
        },
        "right": {
            "fraction_form": """
def watermark_z_score(n_green, n_scored, gamma=0.5):
    if not n_scored:
        raise ValueError("n_scored must be at least 1")
    p_hat = n_green / n_scored
    return (p_hat - gamma) * math.sqrt(n_scored) / math.sqrt(gamma * (1 - gamma))
""",
        },
        "common": ["variance_not_std", "missing_one_minus_gamma", "fraction_not_count", "no_error"],
    },
    "test_is_watermarked": {
        "wrong": {
            "ignores_gamma": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    g, n = count_green(tokens, vocab_size, key=key)
    return n > 0 and watermark_z_score(g, n) > threshold
""",
            "gamma_in_count_only": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    g, n = count_green(tokens, vocab_size, gamma, key)
    return n > 0 and watermark_z_score(g, n) > threshold
""",
            "ignores_key": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    g, n = count_green(tokens, vocab_size, gamma)
    return n > 0 and watermark_z_score(g, n, gamma) > threshold
""",
            "ignores_threshold": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    g, n = count_green(tokens, vocab_size, gamma, key)
    return n > 0 and watermark_z_score(g, n, gamma) > 4.0
""",
            "raises_on_short_text": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    g, n = count_green(tokens, vocab_size, gamma, key)
    return watermark_z_score(g, n, gamma) > threshold
""",
            "numpy_bool": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    import numpy as np
    g, n = count_green(tokens, vocab_size, gamma, key)
    return np.bool_(n > 0 and watermark_z_score(g, n, gamma) > threshold)
""",
        },
        "right": {
            "early_return": """
def is_watermarked(tokens, vocab_size, gamma=0.5, key=42, threshold=4.0):
    if len(tokens) < 2:
        return False
    z = watermark_z_score(*count_green(tokens, vocab_size, gamma=gamma, key=key), gamma=gamma)
    return z > threshold
""",
        },
        "common": ["ignores_gamma", "gamma_in_count_only", "numpy_bool", "raises_on_short_text"],
    },
    "test_calibrate_threshold": {
        "wrong": {
            "low_quantile": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    z = torch.tensor([watermark_z_score(*count_green(t, vocab_size, gamma, key), gamma) for t in human_texts])
    return float(torch.quantile(z, target_fpr))
""",
            "textbook_threshold": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    from statistics import NormalDist
    return float(NormalDist().inv_cdf(1 - target_fpr))
""",
            "maximum": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    return float(max(watermark_z_score(*count_green(t, vocab_size, gamma, key), gamma) for t in human_texts))
""",
            "ignores_gamma": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    z = torch.tensor([watermark_z_score(*count_green(t, vocab_size, key=key)) for t in human_texts])
    return float(torch.quantile(z, 1 - target_fpr))
""",
            "ignores_key": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    z = torch.tensor([watermark_z_score(*count_green(t, vocab_size, gamma), gamma) for t in human_texts])
    return float(torch.quantile(z, 1 - target_fpr))
""",
            "mean_plus_two_std": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    z = torch.tensor([watermark_z_score(*count_green(t, vocab_size, gamma, key), gamma) for t in human_texts])
    return float(z.mean() + 2 * z.std())
""",
        },
        "right": {
            "interpolated_quantile": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    import numpy as np
    z = np.array([watermark_z_score(*count_green(t, vocab_size, gamma, key), gamma) for t in human_texts])
    return float(np.quantile(z, 1 - target_fpr))
""",
            "sort_descending": """
def calibrate_threshold(human_texts, vocab_size, gamma=0.5, key=42, target_fpr=0.01):
    z = sorted((watermark_z_score(*count_green(t, vocab_size, gamma, key), gamma) for t in human_texts),
               reverse=True)
    allowed = int(target_fpr * len(z))
    candidates = [v for v in z if sum(o > v for o in z) <= allowed]
    return float(min(candidates))
""",
        },
        "common": ["low_quantile", "textbook_threshold", "maximum"],
    },
}
