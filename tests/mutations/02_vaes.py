"""Wrong and right answers for exercise 02 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_reparameterize": {
        "wrong": {
            "logvar_as_std": """
def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + logvar.exp() * eps
""",
            "logvar_as_variance_no_sqrt": """
def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + logvar * eps
""",
            "ignores_eps": """
def reparameterize(mu, logvar, eps=None):
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
""",
            "no_gradient": """
def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn_like(mu)
    return (mu + torch.exp(0.5 * logvar) * eps).detach()
""",
            "uniform_noise": """
def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.rand_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps
""",
            "one_noise_per_row": """
def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn(mu.shape[0], 1).expand_as(mu)
    return mu + torch.exp(0.5 * logvar) * eps
""",
        },
        "right": {
            "sqrt_of_exp": """
def reparameterize(mu, logvar, eps=None):
    std = logvar.exp().sqrt()
    noise = torch.randn(mu.shape, dtype=mu.dtype, device=mu.device) if eps is None else eps
    return torch.addcmul(mu, std, noise)
""",
            "distributions_rsample_style": """
def reparameterize(mu, logvar, eps=None):
    if eps is None:
        return torch.distributions.Normal(mu, (logvar / 2).exp()).rsample()
    return mu + eps * (logvar / 2).exp()
""",
        },
        "common": ["logvar_as_std", "logvar_as_variance_no_sqrt", "ignores_eps", "no_gradient"],
    },
    "test_gaussian_kl": {
        "wrong": {
            "missing_half": """
def gaussian_kl(mu, logvar):
    return (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)
""",
            "mean_over_dimensions": """
def gaussian_kl(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).mean(dim=-1)
""",
            "wrong_axis": """
def gaussian_kl(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=0)
""",
            "sign_of_log_term": """
def gaussian_kl(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 + logvar).sum(dim=-1)
""",
            "forgot_mu": """
def gaussian_kl(mu, logvar):
    return 0.5 * (logvar.exp() - 1.0 - logvar).sum(dim=-1)
""",
            "std_for_variance": """
def gaussian_kl(mu, logvar):
    return 0.5 * (mu.pow(2) + (logvar / 2).exp() - 1.0 - logvar).sum(dim=-1)
""",
        },
        "right": {
            "torch_distributions": """
def gaussian_kl(mu, logvar):
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return torch.distributions.kl_divergence(q, p).sum(-1)
""",
            "negative_form": """
def gaussian_kl(mu, logvar):
    return -0.5 * torch.sum(1 + logvar - mu ** 2 - logvar.exp(), dim=1)
""",
        },
        "common": [
            "missing_half",
            "mean_over_dimensions",
            "wrong_axis",
            "forgot_mu",
            "std_for_variance",
        ],
    },
    "test_negative_elbo": {
        "wrong": {
            "forgot_kl": """
def negative_elbo(x, recon_logits, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="none")
    return bce.reshape(len(x), -1).sum(dim=1).mean()
""",
            "mean_over_pixels": """
def negative_elbo(x, recon_logits, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="none")
    return (bce.reshape(len(x), -1).mean(dim=1) + gaussian_kl(mu, logvar)).mean()
""",
            "sum_over_batch": """
def negative_elbo(x, recon_logits, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="none")
    return (bce.reshape(len(x), -1).sum(dim=1) + gaussian_kl(mu, logvar)).sum()
""",
            "kl_summed_over_batch": """
def negative_elbo(x, recon_logits, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="none")
    return bce.reshape(len(x), -1).sum(dim=1).mean() + gaussian_kl(mu, logvar).sum()
""",
            "kl_subtracted": """
def negative_elbo(x, recon_logits, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="none")
    return (bce.reshape(len(x), -1).sum(dim=1) - gaussian_kl(mu, logvar)).mean()
""",
            "bce_on_logits_as_probabilities": """
def negative_elbo(x, recon_logits, mu, logvar):
    bce = F.binary_cross_entropy(recon_logits.clamp(1e-6, 1 - 1e-6), x, reduction="none")
    return (bce.reshape(len(x), -1).sum(dim=1) + gaussian_kl(mu, logvar)).mean()
""",
        },
        "right": {
            "sum_then_divide": """
def negative_elbo(x, recon_logits, mu, logvar):
    reconstruction = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="sum") / x.shape[0]
    return reconstruction + gaussian_kl(mu, logvar).mean()
""",
            "bernoulli_log_prob": """
def negative_elbo(x, recon_logits, mu, logvar):
    log_px = torch.distributions.Bernoulli(logits=recon_logits).log_prob(x).flatten(1).sum(1)
    return torch.mean(gaussian_kl(mu, logvar) - log_px)
""",
        },
        "common": [
            "forgot_kl",
            "mean_over_pixels",
            "sum_over_batch",
            "kl_summed_over_batch",
            "kl_subtracted",
        ],
    },
    "test_active_units": {
        "wrong": {
            "mean_not_variance": """
def active_units(mu, threshold=0.01):
    return int((mu.mean(0).abs() > threshold).sum())
""",
            "std_not_variance": """
def active_units(mu, threshold=0.01):
    return int((mu.std(0) > threshold).sum())
""",
            "wrong_axis": """
def active_units(mu, threshold=0.01):
    return int((mu.var(1) > threshold).sum())
""",
            "second_moment": """
def active_units(mu, threshold=0.01):
    return int((mu.pow(2).mean(0) > threshold).sum())
""",
            "fraction_not_count": """
def active_units(mu, threshold=0.01):
    return float((mu.var(0) > threshold).float().mean())
""",
            "ignores_threshold": """
def active_units(mu, threshold=0.01):
    return int((mu.var(0) > 0.01).sum())
""",
            "returns_tensor": """
def active_units(mu, threshold=0.01):
    return (mu.var(0) > threshold).sum()
""",
        },
        "right": {
            "biased_variance_numpy": """
def active_units(mu, threshold=0.01):
    import numpy as np
    return int(np.count_nonzero(np.var(mu.numpy(), axis=0) > threshold))
""",
            "centred_by_hand": """
def active_units(mu, threshold=0.01):
    centred = mu - mu.mean(dim=0, keepdim=True)
    variance = (centred ** 2).sum(0) / (len(mu) - 1)
    return sum(1 for v in variance.tolist() if v > threshold)
""",
        },
        "common": [
            "mean_not_variance",
            "std_not_variance",
            "wrong_axis",
            "second_moment",
            "fraction_not_count",
            "returns_tensor",
        ],
    },
}
