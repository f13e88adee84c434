"""Wrong and right answers for exercise 00 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_sample_mixture": {
        "wrong": {
            "same_noise_both_coordinates": """
def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, n, replacement=True, generator=generator)
    return means[k] + torch.randn(n, 1, generator=generator) * scales[k]
""",
            "uniform_bump_choice": """
def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.randint(0, len(weights), (n,), generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[k]
""",
            "ignores_generator": """
def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, n, replacement=True)
    return means[k] + torch.randn(n, means.shape[1]) * scales[k]
""",
            "variance_not_scale": """
def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, n, replacement=True, generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[k] ** 2
""",
            "one_bump_for_all_points": """
def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, 1, generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[k]
""",
            "scales_of_first_bump": """
def sample_mixture(weights, means, scales, n, generator=None):
    k = torch.multinomial(weights, n, replacement=True, generator=generator)
    return means[k] + torch.randn(n, means.shape[1], generator=generator) * scales[0]
""",
        },
        "right": {
            "categorical_and_normal": """
def sample_mixture(weights, means, scales, n, generator=None):
    ks = torch.multinomial(weights, num_samples=n, replacement=True, generator=generator)
    eps = torch.empty(n, means.shape[-1]).normal_(generator=generator)
    return torch.addcmul(means[ks], scales[ks], eps)
""",
            "noise_first": """
def sample_mixture(weights, means, scales, n, generator=None):
    noise = torch.randn(n, means.shape[1], generator=generator)
    k = torch.multinomial(weights, n, True, generator=generator)
    return means.index_select(0, k) + scales.index_select(0, k) * noise
""",
        },
        "common": ["same_noise_both_coordinates", "uniform_bump_choice", "variance_not_scale"],
    },
    "test_near_copy_fraction": {
        "wrong": {
            "strict_inequality": """
def near_copy_fraction(samples, training, threshold):
    return float((torch.cdist(samples, training).min(1).values < threshold).float().mean())
""",
            "farthest_not_nearest": """
def near_copy_fraction(samples, training, threshold):
    return float((torch.cdist(samples, training).max(1).values <= threshold).float().mean())
""",
            "wrong_axis": """
def near_copy_fraction(samples, training, threshold):
    return float((torch.cdist(samples, training).min(0).values <= threshold).float().mean())
""",
            "count_not_fraction": """
def near_copy_fraction(samples, training, threshold):
    return float((torch.cdist(samples, training).min(1).values <= threshold).sum())
""",
            "squared_distance": """
def near_copy_fraction(samples, training, threshold):
    d2 = ((samples[:, None] - training[None]) ** 2).sum(-1)
    return float((d2.min(1).values <= threshold).float().mean())
""",
            "returns_tensor": """
def near_copy_fraction(samples, training, threshold):
    return (torch.cdist(samples, training).min(1).values <= threshold).float().mean()
""",
        },
        "right": {
            "cdist_float32": """
def near_copy_fraction(samples, training, threshold):
    return float((torch.cdist(samples, training).min(1).values <= threshold).float().mean())
""",
            "broadcast_norm": """
def near_copy_fraction(samples, training, threshold):
    d = (samples[:, None, :] - training[None, :, :]).norm(dim=-1)
    return (d.min(dim=1).values <= threshold).double().mean().item()
""",
            "python_loop": """
def near_copy_fraction(samples, training, threshold):
    hits = 0
    for s in samples:
        if ((training - s) ** 2).sum(1).sqrt().min() <= threshold:
            hits += 1
    return hits / len(samples)
""",
        },
        "common": ["strict_inequality", "count_not_fraction", "returns_tensor", "squared_distance"],
    },
    "test_choose_bandwidth": {
        "wrong": {
            "scored_on_training": """
def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(train.double(), train.double()).pow(2)
    scores = [(torch.logsumexp(-sq / (2 * h * h), 1) - math.log(2 * math.pi * h * h)).mean() for h in bandwidths]
    return float(bandwidths[int(torch.stack(scores).argmax())])
""",
            "no_normalisation": """
def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    scores = [torch.logsumexp(-sq / (2 * h * h), 1).mean() for h in bandwidths]
    return float(bandwidths[int(torch.stack(scores).argmax())])
""",
            "lowest_score": """
def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    scores = [(torch.logsumexp(-sq / (2 * h * h), 1) - math.log(2 * math.pi * h * h)).mean() for h in bandwidths]
    return float(bandwidths[int(torch.stack(scores).argmin())])
""",
            "h_not_squared": """
def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    scores = [(torch.logsumexp(-sq / (2 * h), 1) - math.log(2 * math.pi * h)).mean() for h in bandwidths]
    return float(bandwidths[int(torch.stack(scores).argmax())])
""",
            "two_dimensions_hard_coded": """
def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    scores = [(torch.logsumexp(-sq / (2 * h * h), 1) - math.log(2 * math.pi * h * h)).mean() for h in bandwidths]
    return float(bandwidths[int(torch.stack(scores).argmax())])
""",
            "returns_index": """
def choose_bandwidth(train, validation, bandwidths):
    sq = torch.cdist(validation.double(), train.double()).pow(2)
    d = train.shape[1]
    scores = [(torch.logsumexp(-sq / (2 * h * h), 1) - d / 2 * math.log(2 * math.pi * h * h)).mean() for h in bandwidths]
    return float(torch.stack(scores).argmax())
""",
            "fixed_answer": """
def choose_bandwidth(train, validation, bandwidths):
    return 0.02
""",
        },
        "right": {
            "scikit_learn": """
def choose_bandwidth(train, validation, bandwidths):
    from sklearn.neighbors import KernelDensity
    scores = [KernelDensity(bandwidth=h).fit(train.double().numpy()).score_samples(validation.double().numpy()).mean()
              for h in bandwidths]
    return float(bandwidths[max(range(len(bandwidths)), key=lambda i: scores[i])])
""",
            "torch_mixture": """
def choose_bandwidth(train, validation, bandwidths):
    D = torch.distributions
    best, best_score = None, -float("inf")
    for h in bandwidths:
        kde = D.MixtureSameFamily(D.Categorical(torch.ones(len(train), dtype=torch.float64)),
                                  D.Independent(D.Normal(train.double(), h), 1))
        score = kde.log_prob(validation.double()).mean().item()
        if score > best_score:
            best, best_score = h, score
    return float(best)
""",
        },
        "common": ["scored_on_training", "no_normalisation", "lowest_score", "returns_index"],
    },
}
