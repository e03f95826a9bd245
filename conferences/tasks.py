"""Celery tasks: thin wrappers that take ids, call a service and can safely run twice."""

import logging

from celery import shared_task

from conferences.services.conferences import conference_close_finished

logger = logging.getLogger(__name__)


@shared_task
def close_finished_conferences() -> int:
    """Close published conferences that have ended (run by beat; idempotent)."""
    closed = conference_close_finished()
    if closed:
        logger.info("Closed %d finished conference(s).", closed)
    return closed
