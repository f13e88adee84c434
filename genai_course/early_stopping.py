"""Train in learning-rate phases and keep the weights that did best on validation data.

The shipped character models (char-gru, char-transformer) are trained this way: a few
phases of constant learning rate, each a call to :func:`genai_course.training.fit`, with
the validation loss measured every ``eval_every`` steps. The weights at the best of those
checks are kept (early stopping), so the model that ships is chosen on validation data
only; the test split is scored afterwards, once.
"""

from __future__ import annotations

from typing import Callable

import torch

from genai_course.training import fit


def fit_with_early_stopping(
    model: torch.nn.Module,
    get_batch,
    *,
    phases: tuple[tuple[int, float], ...],
    validation_loss: Callable[[torch.nn.Module], float],
    eval_every: int,
    batch_size: int,
    seed: int = 0,
    progress: bool = True,
    name: str = "model",
    device: str | None = None,
) -> dict:
    """Run ``phases`` of ``(steps, learning rate)``; load the best-on-validation weights.

    Phase ``i`` shuffles with ``seed + i``. Returns ``{"step": ..., "loss": ...}``, the
    total step count at the chosen checkpoint and its validation loss.
    """
    if not phases:
        raise ValueError("phases must hold at least one (steps, learning rate) pair.")
    best = {"loss": float("inf"), "step": 0, "state": None}
    done = 0

    def keep_best(step, logs, m):
        if (done + step) % eval_every == 0:
            loss = validation_loss(m)
            if loss < best["loss"]:
                best.update(
                    loss=loss,
                    step=done + step,
                    state={k: v.detach().clone() for k, v in m.state_dict().items()},
                )

    for phase, (steps, lr) in enumerate(phases):
        fit(
            model,
            get_batch,
            steps=steps,
            batch_size=batch_size,
            lr=lr,
            seed=seed + phase,
            progress=progress,
            description=f"{name} lr={lr}",
            callbacks=[keep_best],
            device=device,
        )
        done += steps
    if best["state"] is None:
        raise ValueError(
            f"No validation check ran: eval_every={eval_every} is more than the "
            f"{done} steps trained. Make eval_every smaller."
        )
    model.load_state_dict(best["state"])
    model.eval()
    return {"step": best["step"], "loss": best["loss"]}
