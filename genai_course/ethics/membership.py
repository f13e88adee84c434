"""Membership inference: was this record in the training data?

If a model was trained on people's data (photos, messages, medical notes), merely
learning that *your* record was in its training set can be a privacy harm. The simplest
attack is the **loss-threshold attack** of Yeom et al. (2018, "Privacy Risk in Machine
Learning: Analyzing the Connection to Overfitting"): a model fits its training examples
better than unseen ones, so

    guess "member" when the model's loss on the example is below a threshold tau.

The form of Yeom et al.'s attack usually evaluated takes tau = the model's average
training loss (known to whoever trained it).
We measure the attack on a balanced set of members (training examples) and non-members
(examples from the same distribution the model never saw):

- **accuracy** at that threshold (0.5 = a coin flip, 1.0 = always right);
- **AUC**, the probability that a random member has a lower loss than a random
  non-member (threshold-free; 0.5 = no information).

A model that generalises (train loss close to held-out loss) leaks little; an over-fitted
one leaks a lot. Real attacks are stronger than this one, so a low score here is a
lower bound on risk, not a guarantee of privacy.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from genai_course.validation import check_number, check_tensor


def _losses(name: str, values) -> torch.Tensor:
    values = check_tensor(name, values, ndim=1, min_len=1)
    return values.detach().double().cpu()


def auc(member_losses, nonmember_losses) -> float:
    """P(loss of a random member < loss of a random non-member), ties counting one half.

    This is the area under the ROC curve of the attack "lower loss means member"
    (the Mann-Whitney statistic), computed from ranks.
    """
    members = _losses("member_losses", member_losses)
    others = _losses("nonmember_losses", nonmember_losses)
    both = torch.cat([members, others])
    # average ranks handle ties: rank of a value = mean of its positions in sorted order
    order = both.argsort()
    ranks = torch.empty_like(both)
    ranks[order] = torch.arange(1, len(both) + 1, dtype=both.dtype)
    unique, inverse = torch.unique(both, return_inverse=True)
    sums = torch.zeros(len(unique), dtype=both.dtype).index_add_(0, inverse, ranks)
    counts = torch.zeros(len(unique), dtype=both.dtype).index_add_(
        0, inverse, torch.ones_like(ranks)
    )
    ranks = (sums / counts)[inverse]
    n_m, n_o = len(members), len(others)
    # U counts pairs where the non-member has the higher loss (members rank low)
    rank_sum_others = ranks[n_m:].sum()
    u = rank_sum_others - n_o * (n_o + 1) / 2
    return float(u / (n_m * n_o))


@dataclass(frozen=True)
class MembershipReport:
    """How well the loss-threshold attack tells members from non-members."""

    accuracy: float  # balanced accuracy at the threshold
    auc: float  # threshold-free: P(member loss < non-member loss)
    threshold: float  # tau: guess "member" when loss <= tau
    member_loss: float  # mean loss on members
    nonmember_loss: float  # mean loss on non-members
    best_accuracy: float  # the best accuracy any threshold reaches (an optimistic bound)

    @property
    def advantage(self) -> float:
        """Yeom et al.'s membership advantage: true-positive minus false-positive rate."""
        return 2 * self.accuracy - 1

    def __str__(self) -> str:
        return (
            f"attack accuracy {self.accuracy:.1%} (best threshold {self.best_accuracy:.1%}), "
            f"AUC {self.auc:.3f} "
            f"(mean loss: members {self.member_loss:.3f}, non-members "
            f"{self.nonmember_loss:.3f}; threshold {self.threshold:.3f})"
        )


def loss_threshold_attack(member_losses, nonmember_losses, *, threshold=None) -> MembershipReport:
    """Run the attack on per-example losses of members and of non-members.

    ``threshold`` defaults to the mean member (training) loss, as in Yeom et al.; pass a
    number to use your own. Accuracy is balanced: the mean of the true-positive rate on
    members and the true-negative rate on non-members, so unequal set sizes do not
    inflate it.
    """
    members = _losses("member_losses", member_losses)
    others = _losses("nonmember_losses", nonmember_losses)
    tau = float(members.mean()) if threshold is None else check_number("threshold", threshold)
    true_positive = float((members <= tau).double().mean())
    true_negative = float((others > tau).double().mean())
    return MembershipReport(
        accuracy=(true_positive + true_negative) / 2,
        auc=auc(members, others),
        threshold=tau,
        member_loss=float(members.mean()),
        nonmember_loss=float(others.mean()),
        best_accuracy=_best_accuracy(members, others),
    )


def _best_accuracy(members: torch.Tensor, others: torch.Tensor) -> float:
    """Highest balanced accuracy over all thresholds. It peeks at who is a member, so it
    bounds what an attacker who tunes the threshold on similar data could reach."""
    candidates = torch.cat([members, others, members.new_tensor([-float("inf")])])
    tpr = (members[None, :] <= candidates[:, None]).double().mean(1)
    tnr = (others[None, :] > candidates[:, None]).double().mean(1)
    return float(((tpr + tnr) / 2).max())
