"""The one HTTP server on PORT: /healthz, Slack's endpoints, the Telegram webhook.

Each platform adds its routes to one aiohttp application, so Telegram's webhook and
Slack's HTTP mode share PORT, and a load balancer or compose asks /healthz whether this
worker reaches its database.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from aiohttp import web

from bot.offload import offload_of
from storage.port import Store

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


def health_handler(store: Store):
    """Return the /healthz handler: 200 when the database answers, else 503."""
    async def healthz(_: web.Request) -> web.Response:
        reachable = await offload_of(store).run(_ping, store)  # on the store's thread
        return web.Response(text="ok" if reachable else "database unreachable",
                            status=200 if reachable else 503)
    return healthz


def _ping(store: Store) -> bool:
    try:
        return store.ping()
    except Exception:  # a health check answers, it does not raise
        logger.exception("health check: the database did not answer")
        return False


def new_app(store: Store, base: web.Application | None = None) -> web.Application:
    """Return the application to add routes to (Slack's, when it brings one), with
    /healthz."""
    app = base or web.Application()
    app.router.add_get(HEALTH_PATH, health_handler(store))
    return app


@asynccontextmanager
async def listening(app: web.Application, host: str, port: int) -> AsyncIterator[None]:
    """Serve `app` on host:port for the duration of the block."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    logger.info("listening on %s:%s (%s)", host, port,
                ", ".join(sorted({r.resource.canonical for r in app.router.routes()})))
    try:
        yield
    finally:
        await runner.cleanup()
