"""Checks that guard what lessons 00, 01, 02, 03 and 06 teach, without running them.

The notebook tests run each lesson top to bottom (with ``GENAI_COURSE_STRICT=1``, so a
claim checked by ``expect`` that no longer holds fails there). These tests guard what a
run cannot see: answers a learner can open, no bare asserts, no stray outputs, no typed
training times, and the lesson-written helpers (EM, the importance-weighted bound, the
kernel density) computing what the text says they compute.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import jupytext
import pytest
import torch
import torch.nn.functional as F

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
MINE = ["00_mechanism", "01_gans", "02_vaes", "03_autoregressive", "06_text"]


def cells(name: str, kind: str) -> list[str]:
    notebook = jupytext.read(LESSONS / f"{name}.py")
    return [cell.source for cell in notebook.cells if cell.cell_type == kind]


def lesson_function(name: str, function: str, namespace: dict | None = None):
    """Compile one function defined in a lesson's code cells, alone, and return it."""
    for source in cells(name, "code"):
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                scope = {"torch": torch, "math": math, "F": F, **(namespace or {})}
                exec(compile(ast.Module([node], []), f"{name}.py:{function}", "exec"), scope)
                return scope[function]
    raise LookupError(f"lesson {name} defines no function {function!r}")


# ----------------------------------------------------------------------- what learners see


@pytest.mark.parametrize("name", MINE)
def test_check_your_understanding_has_answers_behind_a_click(name):
    text = "\n".join(cells(name, "markdown"))
    questions = text.split("## Check your understanding", 1)
    assert len(questions) == 2, f"{name} must have a 'Check your understanding' section"
    after = questions[1]
    assert "<details><summary>" in after and "</details>" in after, (
        f"{name}: the answers must sit behind a <details> block after the questions"
    )
    asked = len(re.findall(r"^\d+\. ", after.split("<details>")[0], flags=re.M))
    answered = len(
        re.findall(r"^\d+\. ", after.split("<details>")[1].split("</details>")[0], flags=re.M)
    )
    assert asked and answered == asked, f"{name}: {asked} questions but {answered} answers"


@pytest.mark.parametrize("name", MINE)
def test_no_bare_asserts_guard_the_teaching(name):
    for source in cells(name, "code"):
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, ast.Assert), (
                f"{name}: a lesson claim must use genai_course.teaching.expect, not assert "
                f"(line: {ast.unparse(node)[:80]!r})"
            )


@pytest.mark.parametrize("name", MINE)
def test_no_stray_outputs_from_seed_or_expect(name):
    """A cell ending in seed_everything(...) or expect(...) would print its return value."""
    for source in cells(name, "code"):
        body = ast.parse(source).body
        if (
            not body
            or not isinstance(body[-1], ast.Expr)
            or not isinstance(body[-1].value, ast.Call)
        ):
            continue
        called = ast.unparse(body[-1].value.func)
        if called in {"seed_everything", "expect"}:
            code = [line.split("#")[0].rstrip() for line in source.splitlines()]
            code = [line for line in code if line]
            assert code[-1].endswith(";"), (
                f"{name}: end the cell's last {called}(...) with ';' so it prints nothing"
            )


TYPED_TIMES = re.compile(
    r"about (a|one|two|\d+) (minute|second)s?|\d+(\.\d+)? ?(s|seconds|minutes) of CPU|"
    r"CPU-minutes|trains in minutes|about \d+ ?s\b",
    re.I,
)


@pytest.mark.parametrize("name", ["00_mechanism", "01_gans", "02_vaes", "06_text"])
def test_training_times_are_printed_from_metadata_not_typed(name):
    text = "\n".join(cells(name, "markdown"))
    typed = TYPED_TIMES.findall(text)
    assert not typed, (
        f"{name}: a training time is typed in the prose ({typed}); print it from metadata"
    )
    code = "\n".join(cells(name, "code"))
    assert "train_seconds" in code, f"{name}: print the shipped model's recorded training time"


# ------------------------------------------------------------------ the lessons' teaching


def test_lesson_02_trains_on_binary_digits_and_calls_the_bound_a_bound():
    code = "\n".join(cells("02_vaes", "code"))
    assert 'load_digits("binary")' in code and 'load_digits("unit")' not in code, (
        "lesson 02's VAE must be trained on binarised digits for the -ELBO to be a bound"
    )
    text = "\n".join(cells("02_vaes", "markdown"))
    assert "are not digits" not in text, "the autoencoder's samples can be digits: say coverage"
    assert "coverage" in text.lower() and "exact" in text and "upper bound" in text


def test_lesson_01_says_same_fixed_point_and_plots_the_logit():
    text = "\n".join(cells("01_gans", "markdown"))
    assert "Same goal" not in text and "same fixed point" in text.lower()
    assert "Arjovsky & Bottou 2017" in text and "mode-seeking" in text
    code = "\n".join(cells("01_gans", "code"))
    assert "set_xlabel(\"l: the discriminator's logit" in code, (
        "the saturation plot's horizontal axis must be the discriminator's logit, not D"
    )


def test_saturation_is_in_the_logit_gradient():
    """What the lesson-01 plot shows: d/dl log(1 - sigmoid(l)) = -sigmoid(l) vanishes as l -> -inf."""
    logit = torch.tensor([-8.0, -2.0, 0.0, 2.0], requires_grad=True)
    minimax = torch.log1p(-torch.sigmoid(logit)).sum()
    (g_minimax,) = torch.autograd.grad(minimax, logit)
    non_saturating = (-F.logsigmoid(logit)).sum()
    (g_ns,) = torch.autograd.grad(non_saturating, logit)
    assert torch.allclose(g_minimax, -torch.sigmoid(logit.detach()), atol=1e-6)
    assert torch.allclose(g_ns, -(1 - torch.sigmoid(logit.detach())), atol=1e-6)
    assert abs(g_minimax[0]) < 1e-3 < 0.99 < abs(g_ns[0]), (
        "minimax saturates, non-saturating does not"
    )


def test_lesson_06_chooses_on_validation_and_reports_on_test():
    code = "\n".join(cells("06_text", "code"))
    assert "zen_valid" in code and "zen_test" in code
    choice = [line for line in code.splitlines() if '< best["loss"]' in line]
    assert choice and all("validation" in line and "test" not in line for line in choice), (
        "early stopping must compare validation losses only"
    )
    text = "\n".join(cells("06_text", "markdown"))
    assert "Gemini" in text and "8 February 2024" in text
    assert all(tool in text for tool in ("Jasper", "Jarvis", "Copysmith", "Closerscopy"))
    assert "lesson 07" in text.lower()


def test_lesson_00_em_reaches_the_maximum_likelihood_solution():
    em = lesson_function("00_mechanism", "em_to_convergence")
    g = torch.Generator().manual_seed(0)
    centres = torch.tensor([[-2.0, 0.0], [2.0, 0.0]])
    which = (torch.rand(4000, generator=g) < 0.3).long()  # 30% / 70%
    x = centres[which] + 0.5 * torch.randn(4000, 2, generator=g)
    start = (torch.tensor([0.5, 0.5]), torch.tensor([[-1.0, 1.0], [1.0, -1.0]]), torch.ones(2, 2))
    weights, means, variances, rounds, nll = em(x, *start)
    share = which.float().mean().item()
    assert abs(weights[1].item() - share) < 0.01, "EM's weights must match the sample's shares"
    assert torch.allclose(
        means, torch.stack([x[which == 0].mean(0), x[which == 1].mean(0)]), atol=0.02
    )
    assert torch.allclose(variances.sqrt(), torch.full((2, 2), 0.5), atol=0.03)

    def mixture_nll(w, m, v):
        log_parts = (-0.5 * (x[:, None] - m) ** 2 / v - 0.5 * torch.log(2 * math.pi * v)).sum(-1)
        return -torch.logsumexp(log_parts + w.log(), 1).mean()

    assert nll <= mixture_nll(*start).item(), "EM must not lower the likelihood"
    assert abs(nll - mixture_nll(weights, means, variances).item()) < 1e-3
    assert 1 < rounds < 1000


def test_lesson_02_importance_weighted_bound_is_tighter_and_matches_elbo_at_k1():
    from genai_course.models import VAE

    iw = lesson_function("02_vaes", "importance_weighted_nll")
    torch.manual_seed(0)
    vae = VAE(latent_dim=2).eval()
    x = (torch.rand(64, 8, 8, generator=torch.Generator().manual_seed(1)) > 0.5).float()
    with torch.no_grad():
        neg_elbo = (
            sum(
                vae.loss(x, generator=torch.Generator().manual_seed(s))["neg_elbo"].item()
                for s in range(50)
            )
            / 50
        )
    k1 = sum(iw(vae, x, k=1, seed=s) for s in range(50)) / 50
    assert abs(k1 - neg_elbo) < 0.05 * abs(neg_elbo), (
        "with K=1 the bound is the -ELBO (in expectation)"
    )
    assert iw(vae, x, k=64) < k1, "more importance samples must give a tighter (lower) bound"


def test_lesson_01_kernel_density_integrates_to_one():
    density = lesson_function("01_gans", "gaussian_density")
    axis = torch.linspace(-3, 3, 241)
    grid = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), -1).reshape(-1, 2)
    centres = torch.tensor([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]])
    mass = density(grid, centres, 0.1).sum().item() * (axis[1] - axis[0]).item() ** 2
    assert abs(mass - 1) < 1e-3, "a density estimate must integrate to 1"


def test_lesson_helpers_make_their_tensors_on_the_inputs_device():
    """With the default device set to "meta", a tensor made without device= lands there and fails."""
    from genai_course.models import VAE

    iw = lesson_function("02_vaes", "importance_weighted_nll")
    density = lesson_function("01_gans", "gaussian_density")
    em = lesson_function("00_mechanism", "em_to_convergence")
    torch.manual_seed(0)
    vae = VAE(latent_dim=2).eval()
    x = (torch.rand(8, 8, 8) > 0.5).float()
    points, centres = torch.randn(100, 2), torch.randn(5, 2)
    start = (torch.full((2,), 0.5), torch.randn(2, 2), torch.ones(2, 2))
    with torch.device("meta"):
        assert math.isfinite(iw(vae, x, k=2))
        assert density(points, centres, 0.1).device.type == "cpu"
        assert em(points, *start)[0].device.type == "cpu"
