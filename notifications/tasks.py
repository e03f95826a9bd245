"""Celery tasks: they take notification ids and call the delivery service; running twice is harmless."""

from celery import shared_task

from notifications.services import delivery


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver_notifications(self, ids: list[str]) -> dict[str, int]:
    return delivery.deliver(ids=ids, worker=self.request.hostname or "")


@shared_task
def sweep_notifications() -> int:
    return delivery.sweep()
