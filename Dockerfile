# The coach in one image: `python bot.py` as a non-root user, SQLite in /data by default.
# Build: docker build -t social-media-coach .   (see docs/deploy.md)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Runtime dependencies only (requirements-dev.txt stays out). Every package, psycopg[binary]
# included, ships manylinux wheels: no compiler or system library is needed.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# A fixed uid/gid so a bind-mounted /data can be given to it on the host (chown 10001).
RUN groupadd --gid 10001 coach \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin coach \
    && mkdir /data && chown coach:coach /data

# The application, owned by root: the coach can read its code, not change it.
COPY bot.py ./
COPY bot ./bot
COPY flows ./flows
COPY storage ./storage

# SQLite by default, in a volume; compose.yaml sets a postgresql:// URL instead.
ENV COACH_DATABASE=/data/coach.db \
    PORT=3000
VOLUME /data

USER coach
# Build matplotlib's font cache now, not on the first chart a user asks for.
RUN python -c "import matplotlib.pyplot"

# Slack HTTP mode (/slack/events), the Telegram webhook and /healthz, all on PORT.
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]

CMD ["python", "bot.py"]
