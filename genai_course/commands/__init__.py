"""Sub-commands of ``genai-course``: one module each, with ``add_arguments`` and ``run``."""
