"""ipywidgets user interfaces, one module per widget.

Every widget builds and updates without a browser (so the notebook tests exercise
them) and keeps its logic in plain methods that the unit tests call directly.
"""
