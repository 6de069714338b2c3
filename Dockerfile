# syntax=docker/dockerfile:1
# Nazh in a container. `docker compose up` runs it with PostgreSQL (see compose.yaml); alone:
#   docker build -t nazh . && docker run --env-file .env -p 8080:8080 nazh
# Statistics live in PostgreSQL (NAZH_DATABASE_URL) or in SQLite under /app/data: mount a volume
# there (-v nazh-data:/app/data) or they go with the container.

FROM python:3.12.11-slim-bookworm AS build
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY nazh ./nazh
COPY plugins ./plugins
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check .

FROM python:3.12.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8080 \
    NAZH_DATA_DIR=/app/data
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin nazh \
    && mkdir -p /app/data \
    && chown -R nazh:nazh /app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER nazh
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "nazh.hosting.healthcheck"]
CMD ["python", "-m", "nazh"]
