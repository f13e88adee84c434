"""Text corpora that need no download, and a loader for your own text file.

``"python-docs"`` is the reference documentation that every CPython installation ships
for ``help()`` (the ``pydoc_data.topics`` module): about 465,000 characters of English
prose mixed with code, grammar rules and tables.
"""

from __future__ import annotations

from pathlib import Path

from genai_course.validation import check_choice, check_number

CORPORA = ("python-docs",)


def load_corpus(name: str = "python-docs") -> str:
    """Return the named corpus as one string (topics joined in a fixed, sorted order)."""
    check_choice("corpus", name, CORPORA)
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key].strip() for key in sorted(topics))


def load_text(path, *, encoding: str = "utf-8", min_chars: int = 100) -> str:
    """Read a plain-text file of your own, with a clear error when it cannot be used."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"No text file at {path.resolve()}. Check the path, "
            "or use load_corpus() for a corpus that ships with Python."
        )
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; pass the path of one text file.")
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path} is not {encoding} text ({error.reason} at byte {error.start}). "
            "Save it as UTF-8 or pass encoding=... ."
        ) from error
    if len(text) < min_chars:
        raise ValueError(
            f"{path} holds only {len(text)} characters; a model needs at least "
            f"{min_chars} to learn anything."
        )
    return text


def split_text(text: str, validation_fraction: float = 0.1) -> tuple[str, str]:
    """Split text into a training part and the last ``validation_fraction`` for validation.

    A contiguous split (not random characters) so validation text is truly unseen.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}.")
    fraction = check_number(
        "validation_fraction", validation_fraction, low=0, high=0.5, low_inclusive=False
    )
    cut = int(len(text) * (1 - fraction))
    if cut == 0 or cut == len(text):
        raise ValueError(f"text of {len(text)} characters is too short to split.")
    return text[:cut], text[cut:]


def split_corpus(
    text: str, validation_fraction: float = 0.05, test_fraction: float = 0.05
) -> tuple[str, str, str]:
    """Split text into contiguous training, validation and test parts, in that order.

    Why three: every choice (an n-gram's order, an early-stopping step, a learning rate) is
    made on the validation part; the test part is scored once, at the end, so its figure
    is not flattered by those choices. With the defaults the training part is the same
    first 90% that ``split_text(text, 0.1)`` gives, so models trained on it stay valid.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}.")
    valid = check_number(
        "validation_fraction", validation_fraction, low=0, high=0.5, low_inclusive=False
    )
    test = check_number("test_fraction", test_fraction, low=0, high=0.5, low_inclusive=False)
    if valid + test >= 1:
        raise ValueError(
            f"validation_fraction + test_fraction = {valid + test} leaves no "
            "training text; keep their sum below 1 (e.g. 0.05 and 0.05)."
        )
    n = len(text)
    cut_train, cut_valid = round(n * (1 - valid - test)), round(n * (1 - test))
    if not 0 < cut_train < cut_valid < n:
        raise ValueError(f"text of {n} characters is too short to split three ways.")
    return text[:cut_train], text[cut_train:cut_valid], text[cut_valid:]


def _check_ids(ids, block_size: int) -> None:
    import torch

    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.long or ids.ndim != 1:
        raise ValueError(
            "ids must be a 1-D long tensor of token ids (tokenizer.encode(text)), got "
            f"{getattr(ids, 'dtype', type(ids).__name__)} {tuple(getattr(ids, 'shape', ()))}."
        )
    if len(ids) <= block_size:
        raise ValueError(
            f"ids hold {len(ids)} tokens, too few for windows of {block_size}; "
            "use a longer text or a smaller block_size."
        )


def text_batches(ids, block_size: int):
    """A ``get_batch(batch_size, generator)`` for :func:`genai_course.fit` on encoded text.

    Each call cuts ``batch_size`` windows at random offsets: inputs ``x = ids[i:i+T]`` and
    targets ``y = ids[i+1:i+T+1]`` (every position predicts the next token).
    """
    import torch

    from genai_course.validation import check_positive_int

    block_size = check_positive_int("block_size", block_size)
    _check_ids(ids, block_size)

    def get_batch(batch_size: int, generator=None):
        starts = torch.randint(len(ids) - block_size, (batch_size,), generator=generator)
        offsets = torch.arange(block_size)
        x = ids[starts[:, None] + offsets]
        y = ids[starts[:, None] + offsets + 1]
        return x, y

    return get_batch


def text_windows(ids, block_size: int):
    """All consecutive, non-overlapping (x, y) windows of ``ids``: a fixed evaluation set.

    Evaluating on the same windows every time makes a validation loss reproducible.
    """
    from genai_course.validation import check_positive_int

    block_size = check_positive_int("block_size", block_size)
    _check_ids(ids, block_size)
    n = (len(ids) - 1) // block_size
    x = ids[: n * block_size].view(n, block_size)
    y = ids[1 : n * block_size + 1].view(n, block_size)
    return x, y
