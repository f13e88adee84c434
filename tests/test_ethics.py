import math

import pytest
import torch
from torch import nn

from genai_course.data import CORPORA, TOY2D_NAMES, load_corpus
from genai_course.ethics import (
    BlocklistFilter,
    CorpusIndex,
    GreenListWatermark,
    auc,
    class_mix,
    data_card,
    data_card_names,
    evaluate_filter,
    longest_verbatim_overlap,
    loss_threshold_attack,
    model_card,
    nearest_training_examples,
    ngram_copies,
    ngram_copy_fraction,
    random_edits,
    repeated_targets,
    show_data_cards,
    skew_report,
    skewed_subset,
)
from genai_course.metrics import nearest_neighbour_distances
from genai_course.sampling import generate


# ---------------------------------------------------------------- memorisation
@pytest.fixture(scope="module")
def docs_index():
    return CorpusIndex(load_corpus("python-docs"))


def test_planted_copy_is_found_exactly(docs_index):
    corpus = load_corpus("python-docs")
    planted = corpus[200_000:200_120]
    text = "Zq9 my own words, nothing copied here! " + planted + " Xw7 and more of mine."
    overlap = longest_verbatim_overlap(text, docs_index)
    assert overlap.length >= 120
    assert planted in overlap.match
    assert corpus[overlap.corpus_start : overlap.corpus_start + overlap.length] == overlap.match
    assert text[overlap.generated_start : overlap.generated_start + overlap.length] == overlap.match


def test_ordinary_text_has_only_short_overlaps(docs_index):
    ordinary = (
        "My grandmother grew tomatoes on the balcony every summer, and the cat "
        "slept between the pots while pigeons argued on the railing above."
    )
    assert longest_verbatim_overlap(ordinary, docs_index).length < 25
    assert ngram_copy_fraction(ordinary, docs_index, 12) < 0.2


def test_overlap_matches_brute_force_on_small_random_strings():
    g = torch.Generator().manual_seed(0)
    for _ in range(10):
        text = "".join("abc "[i] for i in torch.randint(4, (200,), generator=g).tolist())
        corpus = "".join("abc "[i] for i in torch.randint(4, (1500,), generator=g).tolist())
        best = 0
        for i in range(len(text)):
            while i + best < len(text) and text[i : i + best + 1] in corpus:
                best += 1
        assert longest_verbatim_overlap(text, corpus).length == best


def test_token_documents_never_match_across_a_boundary():
    melodies = [[60, 62, 64, 65], [67, 69, 71, 72]]
    assert longest_verbatim_overlap([64, 65, 67, 69], melodies).length == 2
    found = longest_verbatim_overlap([1, 67, 69, 71, 72, 3], melodies)
    assert (found.length, found.document, found.match) == (4, 1, [67, 69, 71, 72])
    assert ngram_copy_fraction([60, 62, 64, 0, 0], melodies, 2) == pytest.approx(0.5)
    assert longest_verbatim_overlap([99, 98], melodies).length == 0


def test_ngram_copies_marks_each_window_and_repeated_targets_align_with_predictions():
    copies = ngram_copies("xxabcdz", "abcd", 3)
    assert copies.tolist() == [False, False, True, True, False]  # windows xxa, xab, abc, bcd, cdz
    assert ngram_copy_fraction("xxabcdz", "abcd", 3) == pytest.approx(2 / 5)
    # predictions: x->x, x->a, a->b, b->c, c->d, d->z; "abc" ends at c, "bcd" at d
    assert repeated_targets("xxabcdz", "abcd", 3).tolist() == [False] * 3 + [True, True, False]
    assert repeated_targets("abz", "ab", 1).tolist() == [True, False]  # b is in, z is not
    assert repeated_targets("ab", "abc", 5).tolist() == [False]  # too short to repeat 5
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(3, (300,), generator=g)
    corpus = torch.randint(3, (400,), generator=g)
    brute = [
        i + 2 >= 6
        and any(ids[i - 4 : i + 2].tolist() == corpus[j : j + 6].tolist() for j in range(395))
        for i in range(299)
    ]
    assert repeated_targets(ids, corpus, 6).tolist() == brute


def test_nearest_training_examples_agree_with_novelty():
    g = torch.Generator().manual_seed(1)
    training = torch.rand(50, 8, 8, generator=g)
    samples = torch.cat([training[[3, 17]] + 1e-3, torch.rand(5, 8, 8, generator=g)])
    distances, indices = nearest_training_examples(samples, training)
    assert indices[:2].tolist() == [3, 17]
    assert torch.allclose(distances, nearest_neighbour_distances(samples, training))


def test_memorisation_errors():
    with pytest.raises(ValueError, match="empty"):
        CorpusIndex("")
    with pytest.raises(TypeError, match="string or a 1-D sequence"):
        longest_verbatim_overlap([[1, 2]], "abc")
    with pytest.raises(ValueError, match="negative"):
        longest_verbatim_overlap([-1, 2], [[1, 2]])
    with pytest.raises(ValueError, match="fewer than n=5"):
        ngram_copy_fraction("abc", "abcdef", 5)
    with pytest.raises(ValueError, match="length must be a positive"):
        repeated_targets("abc", "abc", 0)
    with pytest.raises(ValueError, match="same shape"):
        nearest_training_examples(torch.zeros(2, 3), torch.zeros(2, 4))


# ---------------------------------------------------------------- watermark
class Uniform(nn.Module):
    """A 'language model' that finds every next token equally likely."""

    block_size = 1

    def __init__(self, vocab_size):
        super().__init__()
        self.vocab_size = vocab_size

    def forward(self, idx, targets=None):
        return torch.zeros(idx.shape[0], idx.shape[1], self.vocab_size), None


def test_watermark_z_high_when_marked_and_near_zero_without():
    vocab = 64
    model, mark = Uniform(vocab), GreenListWatermark(vocab, gamma=0.25, delta=2.0)
    start = torch.zeros(40, 1, dtype=torch.long)
    marked = generate(
        model, start, 200, logits_hook=mark, generator=torch.Generator().manual_seed(0)
    )
    plain = generate(model, start, 200, generator=torch.Generator().manual_seed(1))
    z_marked = [mark.detect(row).z for row in marked]
    z_plain = torch.tensor([mark.detect(row).z for row in plain])
    assert min(z_marked) > 6 and all(mark.detect(row).watermarked for row in marked)
    # under the null, z is standard normal: mean near 0, spread near 1
    assert abs(float(z_plain.mean())) < 0.5 and 0.6 < float(z_plain.std()) < 1.5
    assert not any(mark.detect(row).watermarked for row in plain)
    # a different key sees no watermark
    repeated = mark.detect(marked[0], ignore_repeated=True)
    assert repeated.scored < 199 and repeated.z > 3
    looping = [0, 1] * 100  # one pair repeated: plain test counts it 199 times, the other twice
    assert mark.detect(looping, ignore_repeated=True).scored == 2
    other = GreenListWatermark(vocab, gamma=0.25, delta=2.0, key=7)
    assert abs(sum(other.detect(row).z for row in marked) / len(marked)) < 1.0


def test_watermark_z_formula_and_green_lists():
    mark = GreenListWatermark(10, gamma=0.5)
    assert all(len(mark.green_list(p)) == 5 for p in range(10))
    assert not torch.equal(mark.green_list(0), mark.green_list(1))
    tokens = [0]
    for _ in range(20):  # always step to a green token: 20 of 20 green
        tokens.append(int(mark.green_list(tokens[-1])[0]))
    result = mark.detect(tokens)
    assert (result.green, result.scored) == (20, 20)
    assert result.z == pytest.approx((20 - 0.5 * 20) / math.sqrt(20 * 0.25))
    assert result.p_value == pytest.approx(0.5 * math.erfc(result.z / math.sqrt(2)))
    logits = torch.zeros(1, 10)
    boosted = mark.logits_hook(logits, torch.tensor([[3]]))
    assert set(torch.nonzero(boosted[0] == 2.0).flatten().tolist()) == set(
        mark.green_list(3).tolist()
    )


def test_edits_weaken_the_watermark():
    vocab = 64
    model, mark = Uniform(vocab), GreenListWatermark(vocab, delta=4.0)
    text = generate(
        model,
        torch.zeros(1, 1, dtype=torch.long),
        300,
        logits_hook=mark,
        generator=torch.Generator().manual_seed(0),
    )[0]
    g = torch.Generator().manual_seed(0)
    zs = [mark.detect(random_edits(text, f, vocab, generator=g)).z for f in (0.0, 0.2, 0.5, 1.0)]
    assert zs[0] > zs[1] > zs[2] and abs(zs[3]) < 3
    edited = random_edits(text, 0.1, vocab, generator=g)
    assert int((edited != text).sum()) == 30


def test_watermark_errors():
    with pytest.raises(ValueError, match="gamma"):
        GreenListWatermark(10, gamma=1.0)
    mark = GreenListWatermark(10)
    with pytest.raises(ValueError, match="at least 2 tokens"):
        mark.detect([3])
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        mark.detect([3, 12])
    with pytest.raises(ValueError, match="vocab_size"):
        mark.logits_hook(torch.zeros(1, 11), torch.zeros(1, 1, dtype=torch.long))


# ---------------------------------------------------------------- membership inference
def _gaussian_losses(means, points, width):
    """Negative log-likelihood of a 'model' that put a Gaussian bump on each of ``means``."""
    d = torch.cdist(points, means) ** 2
    return -torch.logsumexp(-d / (2 * width**2), dim=1)


def test_membership_at_chance_on_a_model_that_saw_neither_set():
    g = torch.Generator().manual_seed(0)
    seen, members, others = (torch.randn(400, 5, generator=g) for _ in range(3))
    report = loss_threshold_attack(
        _gaussian_losses(seen, members, 0.3), _gaussian_losses(seen, others, 0.3)
    )
    assert abs(report.accuracy - 0.5) < 0.06 and abs(report.auc - 0.5) < 0.06
    assert report.best_accuracy < 0.6


def test_membership_clearly_above_chance_on_an_overfitted_model():
    g = torch.Generator().manual_seed(0)
    members, others = torch.randn(300, 5, generator=g), torch.randn(300, 5, generator=g)
    report = loss_threshold_attack(
        _gaussian_losses(members, members, 0.3), _gaussian_losses(members, others, 0.3)
    )
    assert report.accuracy > 0.6 and report.auc > 0.95 and report.best_accuracy > 0.95
    assert "attack accuracy" in str(report)


def test_auc_known_answers():
    assert auc([0.1, 0.2], [0.3, 0.4]) == 1.0
    assert auc([0.3, 0.4], [0.1, 0.2]) == 0.0
    assert auc([0.5, 0.5], [0.5, 0.5]) == 0.5
    assert auc([0.1, 0.3], [0.2, 0.4]) == pytest.approx(0.75)
    report = loss_threshold_attack([0.1, 0.2], [0.3, 0.4], threshold=0.25)
    assert report.accuracy == 1.0 and report.best_accuracy == 1.0 and report.advantage == 1.0
    assert loss_threshold_attack([0.1, 0.4], [0.2, 0.3]).best_accuracy == 0.75
    with pytest.raises(ValueError, match="at least 1 rows"):
        loss_threshold_attack([], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        auc([float("nan")], [1.0])


# ---------------------------------------------------------------- bias
def test_class_mix_and_amplification():
    training = torch.tensor([0] * 60 + [1] * 20 + [2] * 20)
    generated = torch.tensor([0] * 90 + [1] * 10)
    assert torch.allclose(
        class_mix(training, 3), torch.tensor([0.6, 0.2, 0.2], dtype=torch.float64)
    )
    report = skew_report(training, generated, 3)
    assert report.over_represented == (0,)
    assert report.training_ratio == pytest.approx(1.5) and report.generated_ratio == pytest.approx(
        9.0
    )
    assert report.amplification == pytest.approx(6.0)
    assert skew_report(training, torch.zeros(10, dtype=torch.long), 3).amplification == float("inf")
    assert report.total_variation == pytest.approx(0.3)
    same = skew_report(training, training, 3)
    assert same.amplification == pytest.approx(1.0) and same.total_variation == 0
    with pytest.raises(ValueError, match="uniform"):
        skew_report(torch.tensor([0, 1, 2]), generated, 3)
    with pytest.raises(ValueError, match=r"must lie in 0..2"):
        class_mix(torch.tensor([0, 5]), 3)


def test_skewed_subset_keeps_the_requested_fractions():
    labels = torch.arange(10).repeat_interleave(20)
    images = torch.randn(200, 8, 8)
    x, y = skewed_subset(images, labels, {5: 0.25, 6: 0.0})
    counts = torch.bincount(y, minlength=10).tolist()
    assert counts[5] == 5 and counts[6] == 0 and counts[0] == 20 and len(x) == len(y) == 165
    with pytest.raises(ValueError, match="not in labels"):
        skewed_subset(images, labels, {11: 0.5})
    with pytest.raises(ValueError, match=r"keep\[5\]"):
        skewed_subset(images, labels, {5: 1.5})


# ---------------------------------------------------------------- content filter
def test_filter_known_misses_and_false_alarms():
    naive = BlocklistFilter()
    assert naive.blocks("What the HECK is this?")
    assert not naive.blocks("what the h e c k")  # miss: spacing
    assert not naive.blocks("what the h3ck")  # miss: leetspeak
    assert not naive.blocks("what the h\u0435ck")  # miss: Cyrillic look-alike e
    assert naive.matches("Check the dangling pointer") == ["heck", "dang"]  # false alarms
    words = BlocklistFilter(mode="word")
    assert not words.blocks("Check the dangling pointer") and words.blocks("oh heck!")
    assert not words.blocks("heckin")  # whole words only: a miss
    strict = BlocklistFilter(normalise_text=True)
    assert strict.blocks("what the h e c k") and strict.blocks("what the h3ck")
    assert strict.blocks("a goshawk")  # still a false alarm
    assert strict.blocks("let's go shopping")  # new false alarm across words: "go sh"
    innocent = ["check this", "danger ahead", "a goshawk flew", "hello world"]
    r_naive, r_word = evaluate_filter(naive, innocent), evaluate_filter(words, innocent)
    r_strict = evaluate_filter(strict, innocent)
    assert r_naive.false_alarm_rate == 0.75 and r_word.false_alarm_rate == 0.0
    assert r_strict.miss_rate < r_naive.miss_rate < r_word.miss_rate
    assert r_strict.caught["look-alike letter"] == 0.0


def test_filter_errors():
    with pytest.raises(ValueError, match="mode"):
        BlocklistFilter(mode="fuzzy")
    with pytest.raises(ValueError, match="non-empty"):
        BlocklistFilter(blocklist="heck")
    with pytest.raises(ValueError, match="whole-word"):
        BlocklistFilter(mode="word", normalise_text=True)
    with pytest.raises(TypeError, match="string"):
        BlocklistFilter().blocks(42)


# ---------------------------------------------------------------- data and model cards
def test_every_dataset_the_package_exposes_has_a_card(capsys):
    for name in (*TOY2D_NAMES, *CORPORA, "digits", "chorales", "zen-of-python"):
        card = data_card(name)
        for field in ("source", "licence", "contents", "known_gaps"):
            assert len(getattr(card, field)) > 40, (name, field)
    text = show_data_cards()
    assert capsys.readouterr().out.strip() == text.strip()
    assert all(f"({name!r})" in text for name in data_card_names())
    assert "PSF" in data_card("python-docs").licence
    assert "license.txt" in data_card("chorales").licence
    assert data_card("this") is data_card("zen-of-python")
    with pytest.raises(ValueError, match="Unknown dataset 'mnist'"):
        data_card("mnist")


def test_chorale_loader_is_covered_when_present():
    chorales = pytest.importorskip("genai_course.data.chorales")
    assert hasattr(chorales, "load_chorale_melodies")
    assert "load_chorale_melodies" in data_card("chorales").loader


def test_model_card_from_checkpoint_metadata():
    card = model_card("toy-mixture")
    text = str(card)
    for section in (
        "Model details",
        "Intended use",
        "Training data",
        "Quantitative analyses",
        "Caveats and recommendations",
    ):
        assert section in text
    assert "test_nll = " in card.sections["Quantitative analyses"]
    assert "genai-course train toy-mixture" in card.sections["Model details"]
    custom = model_card(
        None,
        {
            "name": "my-model",
            "description": "Mine.",
            "metrics": {"a": 1},
            "dataset": "digits",
            "caveats": "Small.",
        },
    )
    assert "Not documented" in custom.sections["Intended use"]
    assert custom.sections["Caveats and recommendations"] == "Small."
    assert "Handwritten digits" in custom.sections["Training data"]
    assert "genai-course train" not in custom.sections["Model details"]
    assert custom.sections["Metrics"].startswith("Measured: a")
    with pytest.raises(ValueError, match="pretrained_metadata"):
        model_card(nn.Linear(2, 2))


def test_amplification_and_share_intervals():
    from genai_course.ethics import amplification_interval, proportion_interval, share_interval

    training = torch.tensor([0] * 80 + [1] * 20)
    same = torch.tensor([0] * 800 + [1] * 200)
    value, low, high = amplification_interval(training, same, (0,))
    assert value == pytest.approx(1.0) and low < 1 < high, (
        "reproducing the mix must give an interval around 1"
    )
    skewed = torch.tensor([0] * 950 + [1] * 50)
    value, low, high = amplification_interval(training, skewed, (0,))
    assert value > 4 and low > 1, "a much stronger skew must be shown as amplified"
    share, low, high = share_interval(same, (1,), n_boot=300)
    assert share == pytest.approx(0.2) and low < 0.2 < high
    assert proportion_interval(10, 20) == pytest.approx((0.2993, 0.7007), abs=1e-3)
    assert proportion_interval(0, 300)[0] == 0.0 and proportion_interval(0, 300)[1] > 0, (
        "no exact copies among 300 samples still leaves an interval above 0"
    )
    with pytest.raises(ValueError, match="over_represented"):
        amplification_interval(training, same, (12,))
    with pytest.raises(ValueError, match="successes"):
        proportion_interval(5, 3)
