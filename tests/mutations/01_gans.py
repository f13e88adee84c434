"""Wrong and right answers for exercise 01 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_discriminator_loss": {
        "wrong": {
            "labels_swapped": """
def discriminator_loss(real_logits, fake_logits):
    return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()
""",
            "sum_not_mean": """
def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum()
""",
            "from_probabilities": """
def discriminator_loss(real_logits, fake_logits):
    return -(torch.log(torch.sigmoid(real_logits)).mean() + torch.log(1 - torch.sigmoid(fake_logits)).mean())
""",
            "mean_of_concatenation": """
def discriminator_loss(real_logits, fake_logits):
    return torch.cat([F.softplus(-real_logits), F.softplus(fake_logits)]).mean()
""",
            "forgot_fake_term": """
def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + 0 * fake_logits.sum()
""",
            "sign_flipped": """
def discriminator_loss(real_logits, fake_logits):
    return -(F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean())
""",
        },
        "right": {
            "bce_with_logits": """
def discriminator_loss(real_logits, fake_logits):
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake
""",
            "logsigmoid": """
def discriminator_loss(real_logits, fake_logits):
    return -F.logsigmoid(real_logits).mean() - F.logsigmoid(-fake_logits).mean()
""",
        },
        "common": [
            "labels_swapped",
            "sum_not_mean",
            "from_probabilities",
            "mean_of_concatenation",
            "sign_flipped",
        ],
    },
    "test_generator_loss": {
        "wrong": {
            "minimax_loss": """
def generator_loss(fake_logits):
    return -F.softplus(fake_logits).mean()
""",
            "sign_flipped": """
def generator_loss(fake_logits):
    return -F.softplus(-fake_logits).mean()
""",
            "sum_not_mean": """
def generator_loss(fake_logits):
    return F.softplus(-fake_logits).sum()
""",
            "from_probabilities": """
def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
""",
            "detached": """
def generator_loss(fake_logits):
    return torch.tensor(F.softplus(-fake_logits).mean().item())
""",
        },
        "right": {
            "bce_with_logits": """
def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
""",
            "logsigmoid": """
def generator_loss(fake_logits):
    return -F.logsigmoid(fake_logits).mean()
""",
        },
        "common": ["minimax_loss", "sign_flipped", "sum_not_mean", "detached"],
    },
    "test_optimal_discriminator": {
        "wrong": {
            "model_over_sum": """
def optimal_discriminator(p_data, p_model):
    return p_model / (p_data + p_model)
""",
            "ratio": """
def optimal_discriminator(p_data, p_model):
    return p_data / p_model
""",
            "always_half": """
def optimal_discriminator(p_data, p_model):
    return torch.full_like(p_data, 0.5)
""",
            "normalised_total": """
def optimal_discriminator(p_data, p_model):
    return p_data / (p_data + p_model).sum()
""",
        },
        "right": {
            "sigmoid_of_log_ratio": """
def optimal_discriminator(p_data, p_model):
    return torch.sigmoid(torch.log(p_data) - torch.log(p_model))
""",
            "one_over": """
def optimal_discriminator(p_data, p_model):
    return 1.0 / (1.0 + p_model / p_data)
""",
        },
        "common": ["model_over_sum", "ratio", "always_half", "normalised_total"],
    },
    "test_best_response_gain": {
        "wrong": {
            "forgot_dx": """
def best_response_gain(p_data, p_model, dx):
    d = optimal_discriminator(p_data, p_model)
    v = lambda d: float((p_data * torch.log(d) + p_model * torch.log(1 - d if d.max() < 1 else p_model / (p_data + p_model))).sum())
    return v(d) - v(torch.full_like(d, 0.5))
""",
            "value_not_gain": """
def best_response_gain(p_data, p_model, dx):
    d = optimal_discriminator(p_data, p_model)
    return float(((p_data * torch.log(d) + p_model * torch.log(1 - d if d.max() < 1 else p_model / (p_data + p_model))) * dx).sum())
""",
            "log2": """
def best_response_gain(p_data, p_model, dx):
    d = optimal_discriminator(p_data, p_model)
    v = lambda d: float(((p_data * torch.log2(d) + p_model * torch.log2(p_model / (p_data + p_model))) * dx).sum())
    return v(d) - v(torch.full_like(d, 0.5))
""",
            "sign_flipped": """
def best_response_gain(p_data, p_model, dx):
    d = optimal_discriminator(p_data, p_model)
    v = lambda d: float(((p_data * torch.log(d) + p_model * torch.log(1 - d if d.max() < 1 else p_model / (p_data + p_model))) * dx).sum())
    return v(torch.full_like(d, 0.5)) - v(d)
""",
            "one_jsd": """
def best_response_gain(p_data, p_model, dx):
    m = (p_data + p_model) / 2
    return float(0.5 * ((p_data * torch.log(p_data / m) + p_model * torch.log(p_model / m)) * dx).sum())
""",
            "log_one_minus_d": """
def best_response_gain(p_data, p_model, dx):
    d = optimal_discriminator(p_data, p_model)
    v = lambda d: float(((p_data * torch.log(d) + p_model * torch.log(1 - d)) * dx).sum())
    return v(d) - v(torch.full_like(d, 0.5))
""",
            "only_data_term": """
def best_response_gain(p_data, p_model, dx):
    d = optimal_discriminator(p_data, p_model)
    return float((p_data * (torch.log(d) - math.log(0.5)) * dx).sum())
""",
        },
        "right": {
            "twice_jsd": """
def best_response_gain(p_data, p_model, dx):
    p, q = p_data.double(), p_model.double()
    m = (p + q) / 2
    kl = lambda a, b: (a * (a / b).log()).sum() * dx
    return float(kl(p, m) + kl(q, m))
""",
            "xlogy": """
def best_response_gain(p_data, p_model, dx):
    d = p_data / (p_data + p_model)
    gain = torch.xlogy(p_data, 2 * d) + torch.xlogy(p_model, 2 * p_model / (p_data + p_model))
    return gain.sum().item() * dx
""",
        },
        "common": ["forgot_dx", "value_not_gain", "log2", "sign_flipped", "one_jsd"],
    },
}
