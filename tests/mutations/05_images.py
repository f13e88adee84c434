"""Wrong and right answers for exercise 05 (see tests/test_exercise_mutations.py)."""

MUTATIONS = {
    "test_nearest_training_distance": {
        "wrong": {
            "squared_distance": """
def nearest_training_distance(samples, training):
    a, b = samples.flatten(1), training.flatten(1)
    return ((a[:, None] - b[None]) ** 2).sum(-1).min(1).values
""",
            "wrong_axis": """
def nearest_training_distance(samples, training):
    return torch.cdist(samples.flatten(1), training.flatten(1)).min(0).values
""",
            "mean_not_min": """
def nearest_training_distance(samples, training):
    return torch.cdist(samples.flatten(1), training.flatten(1)).mean(1)
""",
            "manhattan": """
def nearest_training_distance(samples, training):
    return torch.cdist(samples.flatten(1), training.flatten(1), p=1).min(1).values
""",
            "rows_not_images": """
def nearest_training_distance(samples, training):
    return torch.cdist(samples, training).min(-1).values.min(-1).values
""",
            "square_images_assumed": """
def nearest_training_distance(samples, training):
    side = samples.shape[1]
    return torch.cdist(samples.reshape(-1, side * side), training.reshape(-1, side * side)).min(1).values
""",
        },
        "right": {
            "cdist_default": """
def nearest_training_distance(samples, training):
    return torch.cdist(samples.flatten(1), training.flatten(1)).min(1).values
""",
            "expanded_square": """
def nearest_training_distance(samples, training):
    a, b = samples.flatten(1).double(), training.flatten(1).double()
    d2 = (a * a).sum(1, keepdim=True) - 2 * a @ b.T + (b * b).sum(1)
    return d2.clamp_min(0).min(dim=1).values.sqrt().float()
""",
            "loop_norm": """
def nearest_training_distance(samples, training):
    flat = training.reshape(len(training), -1)
    return torch.stack([torch.linalg.vector_norm(flat - s.reshape(-1), dim=1).min() for s in samples])
""",
        },
        "common": ["squared_distance", "mean_not_min", "manhattan", "rows_not_images"],
    },
    "test_frechet_distance_diag": {
        "wrong": {
            "no_sqrt_on_product": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return float(((mu1 - mu2) ** 2).sum() + (var1 + var2 - 2 * var1 * var2).sum())
""",
            "means_only": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return float(((mu1 - mu2) ** 2).sum())
""",
            "distance_not_squared": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return float((((mu1 - mu2) ** 2).sum() + ((var1.sqrt() - var2.sqrt()) ** 2).sum()).sqrt())
""",
            "variance_difference": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return float(((mu1 - mu2) ** 2).sum() + ((var1 - var2) ** 2).sum())
""",
            "returns_tensor": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return ((mu1 - mu2) ** 2).sum() + ((var1.sqrt() - var2.sqrt()) ** 2).sum()
""",
            "mean_over_dimensions": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return float(((mu1 - mu2) ** 2).mean() + ((var1.sqrt() - var2.sqrt()) ** 2).mean())
""",
        },
        "right": {
            "std_difference": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    return (torch.sum((mu1 - mu2) ** 2) + torch.sum((var1.sqrt() - var2.sqrt()) ** 2)).item()
""",
            "numpy": """
def frechet_distance_diag(mu1, var1, mu2, var2):
    import numpy as np
    m1, v1, m2, v2 = (t.double().numpy() for t in (mu1, var1, mu2, var2))
    return float(np.sum((m1 - m2) ** 2) + np.sum(v1 + v2 - 2 * np.sqrt(v1 * v2)))
""",
        },
        "common": [
            "no_sqrt_on_product",
            "means_only",
            "distance_not_squared",
            "variance_difference",
            "returns_tensor",
            "mean_over_dimensions",
        ],
    },
    "test_class_coverage": {
        "wrong": {
            "count_present": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    return len(set(labels.tolist())) / n_classes
""",
            "strict_inequality": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence >= min_confidence]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(labels)
    return float((shares > min_fraction).float().mean())
""",
            "divides_by_present_classes": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence >= min_confidence]
    counts = torch.bincount(counted, minlength=n_classes)
    present = (counts > 0).sum()
    return float(((counts.float() / len(labels)) >= min_fraction).sum() / present)
""",
            "ignores_min_fraction": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence >= min_confidence]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(labels)
    return float((shares >= 0.01).float().mean())
""",
            "count_not_fraction": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence >= min_confidence]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(labels)
    return float((shares >= min_fraction).sum())
""",
            "ignores_confidence": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    shares = torch.bincount(labels, minlength=n_classes).float() / len(labels)
    return float((shares >= min_fraction).float().mean())
""",
            "shares_of_confident_only": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence >= min_confidence]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(counted)
    return float((shares >= min_fraction).float().mean())
""",
            "strict_confidence": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence > min_confidence]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(labels)
    return float((shares >= min_fraction).float().mean())
""",
            "fixed_min_confidence": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    counted = labels if confidence is None else labels[confidence >= 0.99]
    shares = torch.bincount(counted, minlength=n_classes).float() / len(labels)
    return float((shares >= min_fraction).float().mean())
""",
        },
        "right": {
            "counter": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    from collections import Counter
    keep = [True] * len(labels) if confidence is None else (confidence >= min_confidence).tolist()
    counts = Counter(label for label, k in zip(labels.tolist(), keep) if k)
    return sum(counts[c] >= min_fraction * len(labels) for c in range(n_classes)) / n_classes
""",
            "weighted_bincount": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    weights = None if confidence is None else (confidence >= min_confidence).double()
    counts = torch.bincount(labels, weights=weights, minlength=n_classes)
    return ((counts / labels.numel()) >= min_fraction).sum().item() / n_classes
""",
            "unique_after_mask": """
def class_coverage(labels, n_classes=10, min_fraction=0.01, confidence=None, min_confidence=0.99):
    if confidence is not None:
        labels_kept = labels[confidence >= min_confidence]
    else:
        labels_kept = labels
    values, counts = torch.unique(labels_kept, return_counts=True)
    return ((counts / len(labels)) >= min_fraction).sum().item() / n_classes
""",
        },
        "common": [
            "count_present",
            "divides_by_present_classes",
            "count_not_fraction",
            "ignores_confidence",
        ],
    },
    "test_copy_fraction": {
        "wrong": {
            "threshold_from_training": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    t = torch.quantile(nearest_training_distance(training, training).double(), quantile)
    return float((nearest_training_distance(samples, training).double() <= t).double().mean())
""",
            "threshold_from_samples": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    d = nearest_training_distance(samples, training).double()
    return float((d <= torch.quantile(d, quantile)).double().mean())
""",
            "fixed_threshold": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    return float((nearest_training_distance(samples, training) <= 0.5).float().mean())
""",
            "ignores_quantile": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    t = torch.quantile(nearest_training_distance(held_out, training).double(), 0.05)
    return float((nearest_training_distance(samples, training).double() <= t).double().mean())
""",
            "mean_distance_threshold": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    t = nearest_training_distance(held_out, training).mean()
    return float((nearest_training_distance(samples, training) <= t).float().mean())
""",
            "wrong_direction": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    t = torch.quantile(nearest_training_distance(held_out, training).double(), quantile)
    return float((nearest_training_distance(samples, training).double() >= t).double().mean())
""",
        },
        "right": {
            "numpy_percentile": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    import numpy as np
    ref = nearest_training_distance(held_out, training).numpy()
    d = nearest_training_distance(samples, training).numpy()
    return float(np.mean(d <= np.percentile(ref, 100 * quantile)))
""",
            "kthvalue": """
def copy_fraction(samples, training, held_out, quantile=0.05):
    ref = nearest_training_distance(held_out, training)
    k = max(1, int(round(quantile * len(ref))))
    threshold = ref.kthvalue(k).values
    return (nearest_training_distance(samples, training) <= threshold).float().mean().item()
""",
        },
        "common": ["threshold_from_training", "threshold_from_samples", "wrong_direction"],
    },
}
