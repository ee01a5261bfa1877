"""What turns a run into files: JSON, CSV, XLSX, DOCX, HTML.

The only package that knows output shapes. It depends on the model, the rule
registry, the labels and the score (and the stages below them), never on the
pipeline that calls it:

- ``run``: everything ``analyzer analyze`` writes into its folder;
- ``export``: one report as contract JSON, CSV, XLSX, finding lines;
- ``review`` (text) and ``review_docx`` (Word files) for the 评审意见;
- ``ranking`` (computation) and ``ranking_io`` (CSV, XLSX, terminal);
- ``site`` (index.html), ``corpus`` (the corpus study);
- ``ids`` (file names of reports), ``xlsx`` (safe cells, print setup, fixed bytes)
  and ``_zip`` (deterministic zip containers).
"""
