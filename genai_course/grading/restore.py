"""Rebuild a submission for grading: the student's answers, our tests.

The notebook that runs is built from the exercise *source*, cell by cell: each answer cell
takes the student's code (found by its nbgrader ``grade_id``); every other cell -- setup,
visible tests, hidden tests -- comes from the source. A student who edits or deletes a
test cell therefore gains nothing, and cells the student added are not run. A test cell is
split in two, visible then hidden, so a failure can be reported without showing hidden code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import nbformat

from genai_course.grading.exercise import Exercise, is_answer, is_test, nbgrader_meta, split_hidden


@dataclass
class Rebuilt:
    """The notebook to execute, and what was wrong with the submission's answer cells."""

    notebook: nbformat.NotebookNode
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _student_answers(submission) -> tuple[dict[str, str], list[str]]:
    answers, notes = {}, []
    for cell in submission.cells if submission is not None else []:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if not grade_id or not nbgrader_meta(cell).get("solution"):
            continue
        if cell.get("cell_type") != "code":
            notes.append(f"answer cell '{grade_id}' was turned into a {cell.get('cell_type')} cell")
            continue
        if grade_id in answers:
            notes.append(f"answer cell '{grade_id}' appears twice; the first one is graded")
            continue
        answers[grade_id] = cell.source
    return answers, notes


def _code(source: str, role: str, grade_id: str | None = None, **extra):
    return nbformat.v4.new_code_cell(
        source, metadata={"grading": {"role": role, "grade_id": grade_id, **extra}}
    )


def interface(source: str) -> tuple[list[str], str]:
    """What an answer cell of the *source* defines: top-level names, and its import lines.

    The grader's test process binds exactly these names to stand-ins for the student's
    objects (the imports it runs itself), so a student cannot shadow ``isinstance`` or
    ``torch`` there by defining them.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], ""
    names, imports = [], []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(ast.get_source_segment(source, node) or "")
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names)), "\n".join(imports)


def rebuild(exercise: Exercise, submission, *, hidden: bool = True) -> Rebuilt:
    """The code cells to run for ``submission`` (``None``: as if every answer were missing)."""
    answers, notes = _student_answers(submission)
    cells, missing = [], []
    for cell in exercise.notebook.cells:
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        if is_answer(cell):
            if grade_id in answers:
                names, imports = interface(cell.source)
                cells.append(
                    _code(answers[grade_id], "answer", grade_id, names=names, imports=imports)
                )
            else:
                missing.append(grade_id)
        elif is_test(cell):
            visible, hidden_code = split_hidden(cell.source)
            cells.append(_code(visible, "test", grade_id))
            if hidden and hidden_code.strip():
                cells.append(_code(hidden_code, "hidden", grade_id))
        else:
            cells.append(_code(cell.source, "setup", grade_id))
    # cells after the last test (a demo) earn nothing: not running them saves time, and a
    # demo that calls a looping answer cannot eat the notebook's time limit
    last_test = max(
        (i for i, c in enumerate(cells) if c.metadata["grading"]["role"] in ("test", "hidden")),
        default=len(cells) - 1,
    )
    notebook = nbformat.v4.new_notebook(cells=cells[: last_test + 1])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return Rebuilt(notebook, missing, notes)
