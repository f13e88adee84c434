# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Lesson 06 — Text generation
#
# A language model reads text and predicts what comes next; generating text is asking
# it, again and again, for the next token. This lesson builds a character-level model of
# Python's own documentation and looks at every choice that shapes what it writes.
#
# **By the end of this lesson you will be able to**
# - turn a corpus into a vocabulary and token ids, and back;
# - train a model to predict the next character and read its loss and perplexity;
# - explore the next-character distribution for any prompt, live;
# - measure what a longer context buys;
# - choose a decoding rule (greedy, temperature, top-k, top-p) and predict its effect;
# - fine-tune a pretrained model on a new text and measure the change of style;
# - keep a validation part for choices and a test part for the report;
# - place our model next to GPT-3, ChatGPT, Gemini (formerly Bard), LaMDA and BLOOM.

# %% slideshow={"slide_type": "skip"}
import codecs
import contextlib
import copy
import io
import math

import matplotlib.pyplot as plt
import torch

from genai_course import fit, seed_everything
from genai_course.data import load_corpus, split_text, text_batches, text_windows
from genai_course.models.ngram import NGramConfig, NGramLM
from genai_course.models.recurrent import RecurrentLM, RNNConfig
from genai_course.pretrained import load_pretrained
from genai_course.sampling import next_token_probabilities
from genai_course.teaching import expect
from genai_course.tokenizer import CharTokenizer
from genai_course.widgets.prompt import PromptWidget

seed_everything(0);  # one call fixes every random draw below

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Learning from existing text: corpus, vocabulary, tokens
#
# Our corpus is the reference documentation every Python installation ships for `help()`:
# English prose mixed with code and grammar rules. No download needed.

# %% slideshow={"slide_type": "subslide"}
text = load_corpus("python-docs")
print(f"{len(text):,} characters. An excerpt:\n")
print(text[200_000:200_400])

# %% [markdown] slideshow={"slide_type": "subslide"}
# A **tokenizer** fixes a vocabulary and maps text to integer ids. Ours uses one token per
# character: every distinct character of the corpus gets an id. (GPT-3 uses about 50,000
# sub-word tokens instead: fewer, more meaningful steps per sentence, but the same idea.)

# %% slideshow={"slide_type": "fragment"}
tokenizer = CharTokenizer.from_text(text)
print(f"vocabulary: {tokenizer.vocab_size} characters")
print(repr("".join(tokenizer.chars)))
ids = tokenizer.encode("for x in range(3):")
print(ids.tolist(), "->", repr(tokenizer.decode(ids)))

# %% slideshow={"slide_type": "fragment"}
try:
    tokenizer.encode("naïve café ☕")
except ValueError as error:
    print(error)
print(repr(tokenizer.decode(tokenizer.encode("naïve café ☕", errors="replace"))))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Training to predict the next character
#
# We keep the last 10% of the corpus aside as **validation** text. Training cuts random
# windows of the training text: the input is a window, the target is the same window
# shifted by one character, so every position learns to predict its successor (teacher
# forcing, as in lesson 03).

# %% slideshow={"slide_type": "subslide"}
train_text, valid_text = split_text(text, 0.1)
train_ids, valid_ids = tokenizer.encode(train_text), tokenizer.encode(valid_text)
get_batch = text_batches(train_ids, block_size=64)
x, y = get_batch(2, torch.Generator().manual_seed(0))
print("input :", repr(tokenizer.decode(x[0])))
print("target:", repr(tokenizer.decode(y[0])))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The model is a **recurrent network** (a GRU): it reads characters one by one and keeps
# a hidden state, a running summary of everything read so far, from which it predicts the
# next character. We train a small one for 300 steps and measure the validation loss on
# fixed windows every 50 steps. **Perplexity** $= e^{\text{loss}}$ is the number of
# equally likely characters the model is, on average, choosing between: $V$ for a model
# that knows nothing, 1 for a perfect one.

# %% slideshow={"slide_type": "subslide"}
valid_x, valid_y = text_windows(valid_ids, 128)  # fixed windows: the same every time

@torch.no_grad()
def validation_loss(model, rows=40) -> float:
    """Mean next-character cross-entropy (nats/char) on the first `rows` validation windows."""
    model.eval()
    device = next(model.parameters()).device          # the windows follow the model
    return model(valid_x[:rows].to(device), valid_y[:rows].to(device))[1].item()

small = RecurrentLM(RNNConfig(tokenizer.vocab_size, embed_dim=32, hidden=128))
checkpoints = {0: validation_loss(small)}
def track(step, logs, model):
    if step % 50 == 0:
        checkpoints[step] = validation_loss(model)
        model.train()

history = fit(small, get_batch, steps=300, batch_size=32, lr=5e-3, callbacks=[track], progress=False)

# %% slideshow={"slide_type": "subslide"}
fig, (ax_loss, ax_ppl) = plt.subplots(1, 2, figsize=(11, 3.8))
for ax, f, name in [(ax_loss, lambda v: v, "loss (nats/char)"), (ax_ppl, math.exp, "perplexity")]:
    ax.plot(history.steps, [f(v) for v in history["loss"]], alpha=0.6, label="training batches")
    ax.plot(list(checkpoints), [f(v) for v in checkpoints.values()], "o-", label="validation")
    ax.axhline(f(math.log(tokenizer.vocab_size)), color="grey", ls="--", label="uniform guess")
    ax.set_xlabel("training step")
    ax.set_ylabel(name)
    ax.legend()
ax_loss.set_title("Next-character loss")
ax_ppl.set_title("Perplexity = exp(loss)")
ax_ppl.set_yscale("log")
fig.tight_layout()
print(f"after 300 steps: validation loss {checkpoints[300]:.3f} nats/char, "
      f"perplexity {math.exp(checkpoints[300]):.1f} (uniform: {tokenizer.vocab_size})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. A pretrained model
#
# Training longer works better, but takes far longer than this lesson (the recorded
# training time is printed below). The course ships a GRU trained by
# `genai-course train char-gru` (256 units, up to 2,000 steps of 32 windows of 128
# characters, keeping the weights with the best validation loss); loading it takes a
# blink. Its metadata says how it was trained and what was measured. One caution: those
# weights were *chosen* on the same validation text we score it on below, so its
# validation loss is slightly optimistic, a fair basis for comparing models but not an
# unbiased final figure (that needs a test part nothing was chosen on, as in section 7).

# %% slideshow={"slide_type": "subslide"}
model = load_pretrained("char-gru")
meta = model.pretrained_metadata
n_params = sum(p.numel() for p in model.parameters())
chars_seen = meta.get("selected_step", meta["steps"]) * meta["batch_size"] * meta["block_size"]
print(f"{n_params:,} parameters, trained on {chars_seen / 1e6:.1f} million characters "
      f"({chars_seen / len(train_ids):.0f} passes over the training text) in "
      f"{meta['train_seconds'] / 60:.0f} minutes (recorded when it was trained)")
print(f"recorded validation loss: {meta['metrics']['val_loss_nats_per_char']:.3f} nats/char; "
      f"best smoothed n-gram ({meta['baseline']['model']}): "
      f"{meta['baseline']['val_loss_nats_per_char']:.3f}")
pretrained_loss = validation_loss(model)
print(f"on our 40 validation windows: small model {checkpoints[300]:.3f}, "
      f"pretrained {pretrained_loss:.3f} nats/char (perplexity {math.exp(pretrained_loss):.2f})")
prompt = tokenizer.encode("The return statement")[None]
sample = model.generate(prompt, 300, temperature=0.8, generator=torch.Generator().manual_seed(0))
print("\n" + tokenizer.decode(sample[0]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The next-character distribution, live
#
# Type a prompt and move the sliders. The bar chart is the distribution the model draws
# the next character from (after the decoding rules of section 6); below it, the prompt
# continued under the same settings (with a fixed seed: the same settings always give the
# same text).

# %% slideshow={"slide_type": "subslide"}
widget = PromptWidget(model, prompt="The return statement", length=200)
widget

# %% slideshow={"slide_type": "fragment"}
print("top 5 next characters:", [(c, round(p, 3)) for c, p in widget.top_candidates(5)])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Capturing context: what a longer context buys
#
# An n-gram model sees the previous $n-1$ characters and nothing else. We fit one by
# counting for each $n$ (add-k smoothing, backing off to shorter contexts when a context
# is rare) and score it on the same validation windows as the GRU.

# %% slideshow={"slide_type": "subslide"}
orders = [1, 2, 3, 4, 6, 8]
ngram_loss, table_size = {}, {}
for n in orders:
    ngram = NGramLM(NGramConfig(tokenizer.vocab_size, n=n, k=0.3)).fit_counts(train_ids)
    with torch.no_grad():
        ngram_loss[n] = ngram(valid_x[:40], valid_y[:40])[1].item()
    table_size[n] = ngram.table_size
    print(f"n = {n}: context {n - 1} characters, {ngram_loss[n]:.3f} nats/char, "
          f"{table_size[n]:>12,} counts stored")
del ngram

fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot([n - 1 for n in orders], list(ngram_loss.values()), "o-", label="n-gram (counts)")
ax.axhline(pretrained_loss, color="tab:red", ls="--",
           label=f"pretrained GRU ({n_params / 1e6:.2f} M parameters)")
ax.set_xlabel("context length (characters)")
ax.set_ylabel("validation loss (nats/char)")
ax.set_title("A longer context predicts the next character better")
ax.legend();

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every extra character of context helps — this documentation repeats many phrases — but
# the count table grows fast with $n$ and a long context is mostly unseen. The GRU is not
# limited to a fixed window: its hidden state carries the whole window read so far, in a
# fixed number of parameters, and it beats every n-gram above. (The recipe compares the
# shipped GRU with the *best* n-gram over orders up to 10 and several k: the numbers in
# section 3.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Decoding: from a distribution to text
#
# The model gives logits $z$ for the next character; a **decoding rule** turns them into
# a choice:
#
# - **greedy**: take the most likely character (deterministic, tends to loop);
# - **temperature** $T$: sample from $\operatorname{softmax}(z / T)$; $T < 1$ sharpens,
#   $T > 1$ flattens, $T \to 0$ is greedy;
# - **top-k**: keep only the $k$ most likely characters, renormalise, sample;
# - **top-p** (nucleus): keep the smallest set of most likely characters whose
#   probabilities add up to at least $p$, renormalise, sample.
#
# Here is what each rule does to one distribution, written out with the course's functions.

# %% slideshow={"slide_type": "subslide"}
def last_logits(text: str) -> torch.Tensor:
    with torch.no_grad():
        return model(tokenizer.encode(text)[None].to(next(model.parameters()).device))[0][0, -1]

prompt_text = "The for statement is used to iterate over the "
logits = last_logits(prompt_text)
rules = {"T = 1": {}, "T = 0.5": {"temperature": 0.5}, "T = 1.5": {"temperature": 1.5},
         "top-k = 3": {"top_k": 3}, "top-p = 0.9": {"top_p": 0.9}}
top = logits.softmax(-1).topk(12).indices
shown = {" ": "␣", "\n": "⏎"}
fig, axes = plt.subplots(1, len(rules), figsize=(15, 3), sharey=True)
for ax, (name, rule) in zip(axes, rules.items()):
    probs = next_token_probabilities(logits, **rule)
    ax.bar(range(12), probs[top])
    ax.set_xticks(range(12), [shown.get(tokenizer.chars[i], tokenizer.chars[i]) for i in top])
    ax.set_title(f"{name}: {int((probs > 0).sum())} candidates")
    ax.set_xlabel("next character")
axes[0].set_ylabel("probability")
fig.suptitle(f"Next character after '{prompt_text}' under each rule")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Top-k always keeps $k$ candidates; top-p keeps as many as the distribution needs:

# %% slideshow={"slide_type": "fragment"}
for context in [prompt_text, "The for statement is used to iterate over the elements of a str"]:
    kept = int((next_token_probabilities(last_logits(context), top_p=0.9) > 0).sum())
    print(f"top-p = 0.9 keeps {kept:2d} candidates after '...{context[-25:]}'")

# %% [markdown] slideshow={"slide_type": "subslide"}
# And the text each rule writes from the same prompt, with the same seed (600 characters
# each; we count how many of the words are distinct, a rough measure of repetition):

# %% slideshow={"slide_type": "subslide"}
prompt = tokenizer.encode("The for statement")[None]
settings = {"greedy": {"greedy": True}, "T = 0.5": {"temperature": 0.5},
            "T = 1.0": {"temperature": 1.0}, "T = 1.5": {"temperature": 1.5},
            "top-k = 5": {"top_k": 5}, "top-p = 0.9": {"top_p": 0.9}}
for name, rule in settings.items():
    out = model.generate(prompt, 600, generator=torch.Generator().manual_seed(1), **rule)
    continuation = tokenizer.decode(out[0, prompt.shape[1]:])
    words = continuation.split()
    print(f"--- {name}: {len(set(words)) / len(words):.0%} of its {len(words)} words are distinct; "
          f"the first 200 characters:\nThe for statement{continuation[:200]}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Greedy decoding and low temperatures recycle the same phrases (fewer distinct words);
# high temperature invents words and symbols. Top-k and top-p cut off the unlikely tail, where most nonsense comes
# from, while keeping variety; top-p adapts the number of candidates to the model's
# certainty, as measured above.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Fine-tuning a pretrained model on a new text
#
# A pretrained model already knows spelling, words and punctuation. **Fine-tuning**
# continues its training on a small text of a different style. Every Python installation
# ships one: the Zen of Python (`import this`), 19 aphorisms under a title. We hold out
# six aphorisms drawn at random (a fixed seed; the last lines alone would test a theme of
# their own), split in two, because we will make a choice:
#
# - the **validation** lines (3) decide when to stop (*early stopping*: keep the step with
#   the lowest validation loss);
# - the **test** lines (3 others) report the result. Nothing is chosen on them, so their
#   loss at the chosen step is an honest estimate for unseen text of this style (a rough
#   one: three lines are very few characters).
# Your own text works too: `load_text("my_file.txt")` from `genai_course.data`
# (characters outside the vocabulary can be replaced with `errors="replace"`).

# %% slideshow={"slide_type": "subslide"}
with contextlib.redirect_stdout(io.StringIO()):  # `import this` prints the Zen; keep it quiet
    import this
zen = codecs.decode(this.s, "rot13")
lines = zen.splitlines(keepends=True)
aphorisms = list(range(2, len(lines)))                # lines 0-1: the title and a blank line
held_out = [aphorisms[i] for i in torch.randperm(len(aphorisms),
                                                 generator=torch.Generator().manual_seed(0))[:6]]
zen_valid = "".join(lines[i] for i in sorted(held_out[:3]))
zen_test = "".join(lines[i] for i in sorted(held_out[3:]))
zen_train = "".join(line for i, line in enumerate(lines) if i not in held_out)
zen_train_ids, zen_valid_ids, zen_test_ids = (tokenizer.encode(t) for t in (zen_train, zen_valid, zen_test))
print(f"{len(zen_train)} characters to train on, {len(zen_valid)} to validate, {len(zen_test)} to test")
print("validation lines:\n" + zen_valid + "test lines:\n" + zen_test)

@torch.no_grad()
def loss_on(model, ids) -> float:
    """Mean next-character loss (nats/char) of a short text read in one go."""
    model.eval()
    ids = ids.to(next(model.parameters()).device)
    return model(ids[None, :-1], ids[None, 1:])[1].item()

# %% slideshow={"slide_type": "subslide"}
tuned = copy.deepcopy(model)  # keep the pretrained model as it is
curve = {"step": [0], "Zen, validation lines": [loss_on(model, zen_valid_ids)],
         "Zen, test lines": [loss_on(model, zen_test_ids)], "Python docs": [validation_loss(model)]}
best = {"loss": curve["Zen, validation lines"][0], "step": 0, "model": model}

def watch(step, logs, m):
    if step % 10 == 0:
        curve["step"].append(step)
        curve["Zen, validation lines"].append(loss_on(m, zen_valid_ids))
        curve["Zen, test lines"].append(loss_on(m, zen_test_ids))   # recorded, never used to choose
        curve["Python docs"].append(validation_loss(m))
        if curve["Zen, validation lines"][-1] < best["loss"]:  # early stopping, on validation only
            best.update(loss=curve["Zen, validation lines"][-1], step=step, model=copy.deepcopy(m))
        m.train()

# %% slideshow={"slide_type": "subslide"}
fit(tuned, text_batches(zen_train_ids, 32), steps=150, batch_size=8, lr=1e-3,
    callbacks=[watch], progress=False)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for name in ("Zen, validation lines", "Zen, test lines", "Python docs"):
    ax.plot(curve["step"], curve[name], "o-", label=name)
ax.axvline(best["step"], color="grey", ls=":", label=f"chosen on validation (step {best['step']})")
ax.set_xlabel("fine-tuning step")
ax.set_ylabel("loss (nats/char)")
ax.set_title("Fine-tuning on the Zen of Python")
ax.legend();
chosen = curve["step"].index(best["step"])
test_before, test_chosen = curve["Zen, test lines"][0], curve["Zen, test lines"][chosen]
print(f"chosen step {best['step']} (lowest validation loss, {best['loss']:.3f} nats/char)")
print(f"test Zen lines: {test_before:.3f} before, {test_chosen:.3f} at the chosen step, "
      f"{curve['Zen, test lines'][-1]:.3f} after 150 steps (nats/char)")
print(f"Python docs: {curve['Python docs'][0]:.3f} before, {curve['Python docs'][chosen]:.3f} at the "
      f"chosen step, {curve['Python docs'][-1]:.3f} after 150 steps")
expect(test_chosen < test_before - 0.05, "fine-tuning, stopped on the validation lines, makes the "
       "unseen test lines more likely", observed=f"test loss {test_before:.3f} before, "
       f"{test_chosen:.3f} at step {best['step']}",
       why="with a larger learning rate or other lines held out, the chosen step may over-fit");

# %% slideshow={"slide_type": "subslide"}
start = tokenizer.encode("\n")[None]
for name, m in [("pretrained", model), (f"fine-tuned, step {best['step']}", best["model"]),
                ("fine-tuned, step 150", tuned)]:
    out = m.generate(start, 200, temperature=0.8, generator=torch.Generator().manual_seed(2))
    print(f"--- {name}:{tokenizer.decode(out[0])}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The held-out Zen lines first become more likely: the model picks up the *style* ("... is
# better than ..."), not only the lines it saw. With more steps it memorises its few
# hundred training characters: the held-out losses stop falling or rise again
# (over-fitting; we keep the step the validation lines chose, *early stopping*), and its
# loss on the documentation climbs (it forgets, *catastrophic forgetting*). The test
# lines' loss at the chosen step is the number to report; their minimum over all steps
# would flatter the method, because choosing the step on them would use them twice.
# Fine-tuning on very little text needs a small learning rate, few steps, and a held-out check.
#
# **Try it:** hold out the poem's last six lines instead (`held_out = list(range(15, 21))`).
# In the course's runs the test loss then *rose* at the chosen step: those lines ("If the
# implementation is hard to explain ...") share little phrasing with the rest, so what
# fine-tuning learned does not transfer to them. What a held-out score measures depends on
# how the held-out part differs from the training part.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Where GPT-3, ChatGPT, Gemini (formerly Bard), LaMDA and BLOOM fit in
#
# The same recipe — predict the next token, at scale — with sub-word tokens, transformer
# networks and vastly more data and parameters. Only publicly documented figures are
# given; "not disclosed" means the developer has not published it. (Lesson 07 brings the
# table up to date, with the tools of today and their dates.)
#
# | model | developer, year | parameters | training data | notes |
# |---|---|---|---|---|
# | **ours** (`char-gru`) | this course | printed below | printed below | GRU, one character per token |
# | GPT-3 | OpenAI, 2020 | 175 billion | about 300 billion tokens | transformer decoder; paper: Brown et al., "Language Models are Few-Shot Learners" |
# | LaMDA | Google, 2022 | 137 billion | 1.56 trillion words of public dialogue data and web documents | trained for dialogue; paper: Thoppilan et al., 2022 |
# | BLOOM | BigScience, 2022 | 176 billion | about 366 billion tokens from the 1.6 TB ROOTS corpus (46 natural and 13 programming languages) | open weights and documented data (ROOTS corpus) |
# | ChatGPT | OpenAI, 2022 | not disclosed | not disclosed | a GPT-3.5-series model fine-tuned for dialogue with human feedback (RLHF) |
# | Bard, now Gemini | Google, 2023 | not disclosed | not disclosed | launched on a lightweight version of LaMDA, later moved to PaLM 2 and then to the Gemini models; the assistant itself was renamed Gemini on 8 February 2024 |
#
# **Writing assistants.** Products such as **Jasper** (formerly Jarvis), **Copysmith** and
# **Closerscopy** are marketing-copy tools built *on top of* large language models like
# those above (Jasper began on OpenAI's GPT-3): templates and prompts for ads, e-mails and
# blog posts around a model they call. They publish no parameter counts or training data
# of their own, so they have no row in the table; lesson 07 returns to such tools.
#
# The cell below compares our model with GPT-3: parameters, and characters (ours) against
# tokens (GPT-3's, each several characters long) seen in training.

# %% slideshow={"slide_type": "subslide"}
print(f"ours: {n_params / 1e6:.2f} million parameters, {chars_seen / 1e6:.1f} million training "
      f"characters ({chars_seen / len(train_ids):.0f} passes over {len(train_ids) / 1e6:.2f} million)")
print(f"parameters: GPT-3 / ours = {175e9 / n_params:,.0f}; "
      f"training tokens: GPT-3 / ours = {300e9 / chars_seen:,.0f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - A tokenizer maps text to ids with a fixed vocabulary; ours has one id per character.
# - A language model is trained to predict the next token by minimising cross-entropy;
#   perplexity $= e^{\text{loss}}$ counts the effective number of choices.
# - A longer context predicts better; counting tables explode with the context length, a
#   recurrent network carries context in a fixed-size state.
# - Decoding rules trade safety against variety: greedy and low temperature repeat, high
#   temperature invents, top-k and top-p cut the unlikely tail.
# - Fine-tuning moves a pretrained model towards a new style, at the cost of forgetting
#   some of the old one.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. A model has a validation loss of 1.2 nats per character. What is its perplexity, and
#    what would the perplexity of a uniform guess over our vocabulary be?
# 2. Why is the validation text the *end* of the corpus rather than random characters?
# 3. With top-p = 0.9, how many candidates are kept when one character has probability
#    0.95? And when all 103 characters are equally likely?
# 4. What happens to the fine-tuned model's loss on the documentation, and why? How could
#    you limit it?
# 5. Why do we report the Zen *test* lines at the step the *validation* lines chose,
#    rather than the lowest test loss over all steps?
# 6. Our model and GPT-3 are trained on the same objective. Name three differences that
#    matter more than the parameter count.

# %% [markdown] slideshow={"slide_type": "subslide"}
# <details><summary>Answers</summary>
#
# 1. $e^{1.2} \approx 3.3$: as uncertain as a choice between about 3.3 equally likely
#    characters. A uniform guess has perplexity equal to the vocabulary size, 103.
# 2. Random characters (or random windows) of the same text would sit right next to
#    training text, often inside the same sentence or a repeated paragraph: the model
#    would be tested on what it has nearly seen. A separate stretch at the end is closer
#    to genuinely new text.
# 3. One: the top character alone already reaches 0.9. With 103 equal characters, each
#    has $1/103$, so $\lceil 0.9 \times 103 \rceil = 93$ are kept.
# 4. It rises: the weights move towards the Zen's style and away from what served the
#    documentation (catastrophic forgetting). Fewer steps, a smaller learning rate,
#    mixing documentation text into the fine-tuning batches, or training only a few layers.
# 5. Choosing the step on the test lines would use them twice, once to choose and once to
#    report; the minimum of a noisy curve is biased low. The validation lines make the
#    choice, so the test lines stay unseen by every decision.
# 6. Sub-word tokens instead of characters; a transformer with attention over thousands
#    of tokens instead of a GRU; hundreds of billions of tokens of varied text instead of
#    one manual; and, for assistants, further tuning on instructions and human preferences.
#
# </details>
#
# **Exercise:** `exercises/06_text.ipynb` asks you to write top-k and top-p filtering and
# the perplexity of a model on a text. To go further, fine-tune the model on a text of your
# own with `load_text(path)`.
#
# **Next:** [lesson 07](07_language_models.ipynb) replaces the GRU by a transformer
# (attention written out and measured on a long-range task), characters by byte-pair
# tokens, and asks what scale and preference tuning add: from predictor to assistant.
