"""Codat as a second provider. Nothing here imports Django: the HTTP client, the catalog and the
shapes are plain Python; the Django glue lives in subpackages (``sandbox``, ``testing``)."""
