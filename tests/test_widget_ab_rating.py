import pytest

from genai_course.widgets.ab_rating import ABRating, ABTest, wilson_interval

REAL = [[(60 + i, 1.0, 0), (62 + i, 1.0, 1)] for i in range(20)]
FAKE = [[(70 + i, 0.5, 0), (50 + i, 2.0, 1)] for i in range(20)]


def test_order_is_random_per_trial_but_reproducible():
    test = ABTest(REAL, FAKE, seed=1)
    assert 0 < sum(test.real_is_a) < len(REAL), "real must be A in some trials and B in others"
    assert ABTest(REAL, FAKE, seed=1).real_is_a == test.real_is_a, (
        "the same seed gives the same order"
    )
    for (a, b), real_first, r, g in zip(test.trials, test.real_is_a, REAL, FAKE, strict=True):
        assert (a, b) == ((r, g) if real_first else (g, r))


def test_key_stays_hidden_until_rated_and_ratings_cannot_change():
    test = ABTest(REAL[:2], FAKE[:2], seed=0)
    with pytest.raises(PermissionError, match="not rated yet"):
        test.key(0)
    answer = test.rate("a")
    assert answer in ("A", "B") and test.key(0) == answer
    with pytest.raises(PermissionError):
        test.key(1)
    test.rate("B")
    assert test.finished
    with pytest.raises(IndexError, match="cannot be changed"):
        test.rate("A")
    with pytest.raises(ValueError, match="'A' or 'B'"):
        ABTest(REAL[:1], FAKE[:1]).rate("C")


def test_a_listener_who_always_says_a_scores_chance_and_a_perfect_one_scores_all():
    always_a = ABTest(REAL, FAKE, seed=3)
    for _ in REAL:
        always_a.rate("A")
    assert always_a.tally()["picked_real"] == sum(always_a.real_is_a), (
        "position bias must not score"
    )
    perfect = ABTest(REAL, FAKE, seed=3)
    while not perfect.finished:
        a, _ = perfect.pair()
        perfect.rate("A" if a in REAL else "B")
    t = perfect.tally()
    assert t["picked_real"] == 20 and t["low"] > 0.5, (
        "a perfect listener's interval excludes chance"
    )
    assert "told apart" in perfect.summary()


def test_wilson_interval_known_values_and_errors():
    low, high = wilson_interval(10, 20)
    assert low == pytest.approx(0.2993, abs=1e-3) and high == pytest.approx(0.7007, abs=1e-3)
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(5, 5)[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(6, 5)
    with pytest.raises(ValueError, match="as many real as generated"):
        ABTest(REAL, FAKE[:3])


def test_widget_buttons_rate_reveal_and_tally():
    rating = ABRating(REAL[:3], FAKE[:3], seed=0)
    assert rating.audio_a.value[:4] == b"RIFF" and rating.audio_b.value[:4] == b"RIFF"
    assert "Trial 1 of 3" in rating.heading.value and rating.reveal.value == ""
    rating.pick_a.click()
    assert "Trial 1: you picked A" in rating.reveal.value and "of 1 trials" in rating.result.value
    rating.pick_b.click()
    rating.pick_a.click()
    assert rating.pick_a.disabled and "All trials rated" in rating.heading.value
    assert rating.test.tally()["rated"] == 3
