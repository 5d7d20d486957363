FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 ADVISOR_DATA_DIR=/app/.data
RUN useradd --create-home --uid 10001 advisor
WORKDIR /app
COPY pyproject.toml README.md ./
COPY advisor ./advisor
COPY corpus ./corpus
RUN pip install . && advisor ingest && chown -R advisor:advisor /app
USER advisor
CMD ["advisor", "search", "--help"]
