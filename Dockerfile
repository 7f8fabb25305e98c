# syntax=docker/dockerfile:1
# dlmon: HK/US dual-listing premium monitor.
#   docker build -t dlmon .
#   docker run --rm -p 9108:9108 dlmon              # built-in simulator config
# tests/deploy/test_deploy_dockerfile.py runs this file's install, entrypoint and
# healthcheck commands in a fresh virtualenv: keep RUN steps to plain shell on
# $VIRTUAL_ENV and paths relative to WORKDIR.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: dependencies from the hashed lock file, then the dlmon wheel ------------------
FROM ${PYTHON_IMAGE} AS build
# pip compiles the bytecode here, so the runtime image never writes .pyc files.
ENV VIRTUAL_ENV=/opt/dlmon \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv "$VIRTUAL_ENV"
COPY requirements.lock ./
RUN --mount=type=cache,target=/root/.cache/pip \
    "$VIRTUAL_ENV/bin/pip" install --require-hashes --no-deps --only-binary=:all: -r requirements.lock
# The core's hot path and read side are compiled with mypyc (setup.py, DLMON_COMPILE=1;
# the modules: [tool.dlmon] compiled in pyproject.toml). The C compiler and the build
# tools stay in this stage: only the wheel reaches the runtime image.
RUN command -v gcc >/dev/null \
    || (apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev)
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m venv .build-tools \
    && .build-tools/bin/pip install setuptools==84.2.1 wheel==0.48.0 mypy==2.4.1
COPY pyproject.toml setup.py README.md ./
COPY monitor/ ./monitor/
RUN --mount=type=cache,target=/root/.cache/pip \
    DLMON_COMPILE=1 .build-tools/bin/pip wheel --no-deps --no-build-isolation --wheel-dir dist . \
    && "$VIRTUAL_ENV/bin/pip" install --no-deps --no-index dist/dlmon-*.whl \
    && "$VIRTUAL_ENV/bin/python" -I -c "import monitor.core.engine as m; assert m.__file__.endswith('.so'), m.__file__" \
    && "$VIRTUAL_ENV/bin/dlmon" --version

# --- runtime: the virtualenv only, as an unprivileged user --------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="dlmon" \
      org.opencontainers.image.description="HK/US dual-listing premium and liquidity monitor" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 dlmon \
    && useradd --system --uid 10001 --gid dlmon --home-dir /var/lib/dlmon \
       --no-create-home --shell /usr/sbin/nologin dlmon \
    && mkdir -p /etc/dlmon /var/lib/dlmon \
    && chown dlmon:dlmon /var/lib/dlmon
COPY --from=build /opt/dlmon /opt/dlmon
COPY config/default.yaml /etc/dlmon/dlmon.yaml
# DLMON_SERVER__HOST: listen on all interfaces inside the container (the YAML default is
# 127.0.0.1). DLMON_STATE_DIR: alert state and the notification spool live in the
# /var/lib/dlmon volume (outside a container the default is ~/.local/state/dlmon);
# recordings use paths relative to the working directory, which is the same volume.
ENV PATH=/opt/dlmon/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DLMON_SERVER__HOST=0.0.0.0 \
    DLMON_SERVER__PORT=9108 \
    DLMON_STATE_DIR=/var/lib/dlmon
USER dlmon
WORKDIR /var/lib/dlmon
VOLUME ["/var/lib/dlmon"]
EXPOSE 9108
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('DLMON_SERVER__PORT', '9108') + '/healthz', timeout=4)"]
ENTRYPOINT ["dlmon"]
CMD ["run", "--config", "/etc/dlmon/dlmon.yaml"]
