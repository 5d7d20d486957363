# The advisor's HTTP API with the corpus indexed at build time (default offline models, no API keys needed).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 ADVISOR_DATA_DIR=/app/.data
RUN useradd --create-home --uid 10001 advisor
WORKDIR /app
COPY pyproject.toml README.md ./
COPY advisor ./advisor
COPY corpus ./corpus
RUN pip install '.[formats]' && advisor ingest && chown -R advisor:advisor /app
USER advisor
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
# Set ADVISOR_API_KEYS (and ADVISOR_ADMIN_KEYS for document writes) when the port is reachable by others.
CMD ["advisor", "serve", "--host", "0.0.0.0", "--port", "8000"]
