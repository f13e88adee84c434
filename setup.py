"""Build hook: ship the lessons and exercises inside the wheel (pyproject.toml holds the rest).

A learner who installs the wheel (``pip install genai_course-*.whl``, on Colab or a GPU
machine) gets no checkout, so ``genai-course get-lessons DEST`` copies the notebooks out of
``genai_course/course/``. They are copied from lessons/ and exercises/ at build time only,
so the checkout keeps one copy of each (an editable install reads the checkout instead).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# (folder in the checkout, file patterns shipped)
COURSE_FILES = {"lessons": ("*.ipynb",), "exercises": ("*.ipynb", "*.py")}


class BuildWithCourse(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "genai_course" / "course"
        for folder, patterns in COURSE_FILES.items():
            files = sorted(f for pattern in patterns for f in (ROOT / folder).glob(pattern))
            if not files:
                raise SystemExit(f"setup.py: no {patterns} in {ROOT / folder}; build from a "
                                 "checkout of the course")
            (target / folder).mkdir(parents=True, exist_ok=True)
            for file in files:
                shutil.copy2(file, target / folder / file.name)


setup(cmdclass={"build_py": BuildWithCourse})
