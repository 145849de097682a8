"""Optional text signal: TF-IDF cosine of CV text against ad text, as one more soft component ("text").

Off by default (weight 0): on the dev set it did not raise nDCG@10 (the structured fields already carry the
occupation), and ads in unseen sets are worded differently. When enabled, vectors are character n-grams within
words (robust to Norwegian compounds and misspellings), l2-normalised, so the dot product is the cosine in [0, 1].
The vectoriser is fitted on the indexed openings' text; rows added later are transformed with that vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from matching.model import CandidateProfile, Opening

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

TextVector = tuple[tuple[int, float], ...]  # (term index, weight), indices ascending


def candidate_text(c: CandidateProfile) -> str:
    """CV words: experience titles, education, skills, wanted occupations (plus titles, certificates, summary)."""
    parts = [*(e.title for e in c.experience), *c.education, *c.skills, *c.wanted_occupations]
    parts += [*c.titles, *c.certificates, c.text]
    return " ".join(p for p in parts if p)


def opening_text(o: Opening) -> str:
    return f"{o.title} {o.description}".strip()


class TextModel:
    """A fitted :class:`~sklearn.feature_extraction.text.TfidfVectorizer` turning texts into sparse vectors."""

    def __init__(self, vectorizer: TfidfVectorizer | None = None):
        from sklearn.feature_extraction.text import (
            TfidfVectorizer,
        )  # ~1 s to import: only when a text model is built

        self.vectorizer = vectorizer or TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1, dtype=np.float64
        )
        self.fitted = False

    def fit(self, texts: Iterable[str]) -> TextModel:
        self.vectorizer.fit(list(texts))
        self.fitted = True
        return self

    def vectors(self, texts: Sequence[str]) -> list[TextVector]:
        if not texts:
            return []
        x = sparse.csr_matrix(self.vectorizer.transform(list(texts)), dtype=np.float64)
        x.sort_indices()
        out = []
        for i in range(x.shape[0]):
            a, b = x.indptr[i], x.indptr[i + 1]
            out.append(tuple(zip(x.indices[a:b].tolist(), x.data[a:b].tolist(), strict=True)))
        return out

    def vector(self, text: str) -> TextVector:
        return self.vectors([text])[0]


def dot(row: TextVector, query: TextVector) -> float:
    """Sum over ``row``'s terms in index order, as scipy's CSR × dense product adds them."""
    if not row or not query:
        return 0.0
    q = dict(query)
    total = 0.0
    for i, v in row:
        total = total + v * q.get(i, 0.0)
    return min(1.0, max(0.0, total))


class TextIndex:
    """Per-slot sparse rows with a cached CSR matrix; edited slots are scored one by one until the next rebuild."""

    REBUILD_AFTER = 256

    def __init__(self) -> None:
        self.rows: list[TextVector] = []
        self._csr: sparse.csr_matrix | None = None
        self._dirty: set[int] = set()

    def set(self, slot: int, row: TextVector) -> None:
        while len(self.rows) <= slot:
            self.rows.append(())
        self.rows[slot] = row
        self._dirty.add(slot)

    def _rebuild(self) -> None:
        n = len(self.rows)
        lengths = np.fromiter((len(r) for r in self.rows), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = [t for r in self.rows for t in r]
        idx = np.fromiter((i for i, _ in flat), dtype=np.int32, count=len(flat))
        data = np.fromiter((v for _, v in flat), dtype=np.float64, count=len(flat))
        width = int(idx.max()) + 1 if len(idx) else 1
        self._csr = sparse.csr_matrix((data, idx, indptr), shape=(n, width))
        self._dirty.clear()

    def scores(self, query: TextVector, n: int) -> np.ndarray:
        """Cosine of every slot's row with ``query`` (clipped to [0, 1]); length ``n``."""
        out = np.zeros(n)
        if not query or not self.rows:
            return out
        if self._csr is None or len(self._dirty) > self.REBUILD_AFTER:
            self._rebuild()
        assert self._csr is not None
        width = self._csr.shape[1]
        q = np.zeros(width)
        for i, v in query:
            if i < width:
                q[i] = v
        m = self._csr.shape[0]  # slots added since the rebuild are all in _dirty
        out[:m] = self._csr @ q
        np.clip(out, 0.0, 1.0, out=out)
        for slot in self._dirty:
            if slot < n:
                out[slot] = dot(self.rows[slot], query)
        return out
