"""Base models and the hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a state change or a sensitive read.

    `hash` = SHA-256 over the previous event's hash and this event's canonical content, so editing or
    deleting any row breaks the chain (`civitas audit verify`).
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    division_code = models.CharField(_("division code"), max_length=15, blank=True)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["division_code", "at"], name="audit_division_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """Singleton row holding the chain's last sequence and hash; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(_("last sequence"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class DomainEvent(models.Model):
    """A fact one app publishes for others (a verified declaration, a hazard found, an agreement broken).

    The one well-defined place where apps meet: the credit ledger, permits and the index read these.
    Consumers are idempotent by event id, so replaying events never double-counts.
    """

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    division_code = models.CharField(_("division code"), max_length=15, blank=True, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=40, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=40, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Outbox delivery state (civitas/core/events.py): NULL until every subscriber has handled the event.
    dispatched_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="event_subject"),
            # The worker's queue: only undelivered events are in this (small) partial index.
            models.Index(fields=["id"], condition=models.Q(dispatched_at__isnull=True), name="event_undelivered"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
