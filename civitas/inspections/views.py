"""Pages of the inspections app: thin — parse input, call an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.accounts.choices import Role
from civitas.inspections import accountability, actions
from civitas.inspections.access import (
    AuthenticatedRequest,
    access_campaign,
    access_hazard,
    access_inspection,
    access_lead,
    access_notice,
    access_task,
    campaigns_visible_to,
    hazards_visible_to,
    leads_visible_to,
    may_inspect,
    may_manage,
    may_see_accountability,
    premises_visible_to,
    require,
    tasks_visible_to,
)
from civitas.inspections.choices import TaskKind, TaskStatus
from civitas.inspections.exports import accountability_workbook
from civitas.inspections.filters import filter_hazards
from civitas.inspections.forms import (
    CampaignForm,
    HazardFilterForm,
    InspectionForm,
    LeadFilterForm,
    LeadTaskForm,
    NoticeForm,
    ReasonForm,
    ReinspectForm,
    ReportFixForm,
    SpotFixForm,
)
from civitas.inspections.models import Checklist
from civitas.inspections.notices import notice_pdf
from civitas.inspections.progress import campaign_progress


def _today() -> Any:
    return timezone.localdate()


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "role", None) == Role.LANDLORD:
        hazards = filter_hazards(hazards_visible_to(user)).prefetch_related("notices")[:100]
        return render(request, "inspections/owner_home.html", {"hazards": hazards, "today": _today()})
    require(may_inspect(user) or may_manage(user) or getattr(user, "role", None) == Role.POLICE)
    tasks = (
        tasks_visible_to(user)
        .filter(status=TaskStatus.OPEN, assigned_to=user)
        .select_related("premises", "hazard")
        .order_by("due_on", "id")[:50]
    )
    hazards = hazards_visible_to(user)
    return render(
        request,
        "inspections/home.html",
        {
            "tasks": tasks,
            "open_tasks": tasks_visible_to(user).filter(status=TaskStatus.OPEN).count(),
            "open_hazards": hazards.open().count(),
            "overdue": hazards.overdue(_today()).count(),
            "campaigns": campaigns_visible_to(user)[:20],
            "may_manage": may_manage(user),
        },
    )


@login_required
def checklists(request: AuthenticatedRequest) -> HttpResponse:
    require(may_inspect(request.user) or may_see_accountability(request.user))
    lists = Checklist.objects.prefetch_related("items").order_by("premises_type", "-version")
    return render(request, "inspections/checklists.html", {"checklists": lists})


@login_required
def campaign_new(request: AuthenticatedRequest) -> HttpResponse:
    require(may_manage(request.user))
    form = CampaignForm(request.POST or None, initial={"division_code": request.user.scope_code})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.do_create_campaign(**form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Campaign created with {n} tasks.").format(n=campaign.tasks_generated))
            return redirect("inspections:campaign", pk=campaign.pk)
    return render(request, "inspections/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    rows = campaign_progress(campaign, request.user.scope_code or "")
    return render(
        request,
        "inspections/campaign.html",
        {
            "campaign": campaign,
            "rows": rows,
            "total": sum(r["total"] for r in rows),
            "done": sum(r["done"] for r in rows),
        },
    )


@login_required
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    require(may_inspect(request.user) or getattr(request.user, "role", None) == Role.POLICE)
    qs = (
        tasks_visible_to(request.user)
        .filter(status=TaskStatus.OPEN)
        .select_related("premises", "assigned_to", "hazard")
        .order_by("due_on", "id")
    )
    if request.GET.get("mine"):
        qs = qs.filter(assigned_to=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/tasks.html", {"page": page})


@login_required
def inspect(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The mobile checklist walk. Form state survives a flaky connection (localStorage + idempotent retry)."""
    require(may_inspect(request.user))
    task = access_task(request.user, pk)
    if task.kind == TaskKind.REINSPECTION and task.hazard_id:
        return redirect("inspections:hazard", pk=task.hazard_id)
    checklist = Checklist.current(task.premises.kind)
    if checklist is None:
        raise Http404
    if request.method == "POST":
        posted = Checklist.objects.filter(
            pk=request.POST.get("checklist_id") or 0, premises_type=task.premises.kind
        ).first()
        form = InspectionForm(posted or checklist, request.POST, request.FILES)
        if form.is_valid():
            existing = task.inspections.filter(idempotency_key=form.cleaned_data["idempotency_key"]).first()
            try:
                inspection = existing or actions.do_submit_inspection(
                    task.premises, form.to_input(), acting_user=request.user, task=task
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("inspections:inspection", pk=inspection.pk)
    else:
        if task.status != TaskStatus.OPEN:
            done = task.inspections.order_by("-id").first()
            if done is not None:
                return redirect("inspections:inspection", pk=done.pk)
        form = InspectionForm(checklist)
    return render(
        request,
        "inspections/inspect.html",
        {"task": task, "form": form, "checklist": form.checklist},
        status=422 if form.errors else 200,
    )


@login_required
def inspection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(request.user, pk)
    results = inspection.results.select_related("item").order_by("item__order")
    return render(
        request,
        "inspections/inspection.html",
        {
            "inspection": inspection,
            "results": results,
            "hazards": inspection.hazards.select_related("item").order_by("id"),
        },
    )


@login_required
def hazard_list(request: AuthenticatedRequest) -> HttpResponse:
    form = HazardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = filter_hazards(
        hazards_visible_to(request.user),
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        division=data.get("division") or "",
        today=_today(),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/hazards.html", {"page": page, "form": form, "today": _today()})


def _hazard_context(request: AuthenticatedRequest, hazard: Any, **forms: Any) -> dict[str, Any]:
    from civitas.core.models import AuditEvent

    user = request.user
    is_owner = getattr(user, "role", None) == Role.LANDLORD and user.person_id == hazard.owner_id
    context = {
        "hazard": hazard,
        "today": _today(),
        "is_owner": is_owner,
        "may_inspect": may_inspect(user),
        "may_manage": may_manage(user),
        "notices": hazard.notices.order_by("-round"),
        "reinspections": hazard.reinspections.select_related("inspector").order_by("-inspected_at"),
        "evidence": hazard.evidence.order_by("uploaded_at"),
        "trail": AuditEvent.objects.filter(object_type="inspections.hazard", object_id=str(hazard.pk)).order_by("seq"),
        "notice_form": NoticeForm(),
        "spot_form": SpotFixForm(),
        "fix_form": ReportFixForm(),
        "reinspect_form": ReinspectForm(),
        "annul_form": ReasonForm(),
    }
    context.update(forms)
    return context


@login_required
def hazard_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hazard = access_hazard(request.user, pk)
    return render(request, "inspections/hazard.html", _hazard_context(request, hazard))


HAZARD_ACTIONS = ("notice", "fix-on-spot", "report-fix", "reinspect", "close", "annul")


@login_required
@require_POST
def hazard_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    hazard = access_hazard(request.user, pk)
    if action not in HAZARD_ACTIONS:
        raise Http404
    user = request.user
    form: Any
    try:
        if action == "notice":
            form = NoticeForm(request.POST)
            form.is_valid()
            actions.do_issue_notice(hazard, deadline=form.cleaned_data.get("deadline"), acting_user=user)
        elif action == "fix-on-spot":
            form = SpotFixForm(request.POST, request.FILES)
            form.is_valid()
            actions.do_fix_on_spot(
                hazard,
                after_photo=form.cleaned_data.get("after_photo"),
                note=form.cleaned_data.get("note") or "",
                acting_user=user,
            )
        elif action == "report-fix":
            form = ReportFixForm(request.POST, request.FILES)
            form.is_valid()
            actions.do_report_fix(
                hazard,
                note=form.cleaned_data.get("note") or "",
                photo=form.cleaned_data.get("photo"),
                acting_user=user,
            )
        elif action == "reinspect":
            form = ReinspectForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError({"result": _("Choose pass or fail.")})
            actions.do_reinspect(
                hazard,
                passed=form.cleaned_data["result"] == "pass",
                note=form.cleaned_data.get("note") or "",
                photo=form.cleaned_data.get("photo"),
                new_deadline=form.cleaned_data.get("new_deadline"),
                acting_user=user,
            )
        elif action == "close":
            form = None
            actions.do_close_hazard(hazard, acting_user=user)
        else:
            form = ReasonForm(request.POST)
            form.is_valid()
            actions.do_annul_hazard(hazard, reason=(form.cleaned_data or {}).get("reason", ""), acting_user=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        hazard.refresh_from_db()
        return render(request, "inspections/hazard.html", _hazard_context(request, hazard), status=422)
    messages.success(request, _("Saved."))
    return redirect("inspections:hazard", pk=hazard.pk)


@login_required
def notice_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = access_notice(request.user, pk)
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.number}.pdf"'
    return response


@login_required
def lead_list(request: AuthenticatedRequest) -> HttpResponse:
    require(may_manage(request.user))
    form = LeadFilterForm(request.GET or None)
    qs = leads_visible_to(request.user).select_related("service", "division").order_by("-requested_at")
    if form.is_valid() and form.cleaned_data.get("status"):
        qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/leads.html", {"page": page, "form": form})


def _premises_choices(request: AuthenticatedRequest, lead: Any) -> list[tuple[int, str]]:
    qs = premises_visible_to(request.user)
    if lead.division_id:
        qs = qs.filter(division_id=lead.division_id)
    return [(p.pk, str(p)) for p in qs.order_by("address")[:200]]


@login_required
def lead_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(may_manage(request.user))
    lead = access_lead(request.user, pk)
    task_form = LeadTaskForm()
    task_form.fields["premises_id"].widget.choices = _premises_choices(request, lead)
    return render(
        request, "inspections/lead.html", {"lead": lead, "task_form": task_form, "dismiss_form": ReasonForm()}
    )


@login_required
@require_POST
def lead_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    require(may_manage(request.user))
    lead = access_lead(request.user, pk)
    try:
        if action == "task":
            form = LeadTaskForm(request.POST)
            premises = (
                premises_visible_to(request.user).filter(pk=form.data.get("premises_id") or 0).first()
                if form.is_valid()
                else None
            )
            if premises is None:
                raise ValidationError({"premises_id": _("Choose premises in your jurisdiction.")})
            task = actions.do_task_from_lead(lead, premises=premises, acting_user=request.user)
            messages.success(request, _("Task #{n} created.").format(n=task.pk))
        elif action == "dismiss":
            actions.do_dismiss_lead(lead, reason=request.POST.get("reason", ""), acting_user=request.user)
            messages.success(request, _("Report dismissed."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("inspections:lead", pk=lead.pk)


def _accountability_data(request: AuthenticatedRequest) -> dict[str, Any]:
    scope = request.user.scope_code or ""
    today = _today()
    return {**accountability.summary(scope, today), "trend": accountability.monthly_trend(scope, today)}


@login_required
def accountability_view(request: AuthenticatedRequest) -> HttpResponse:
    require(may_see_accountability(request.user))
    return render(request, "inspections/accountability.html", _accountability_data(request))


@login_required
def accountability_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    require(may_see_accountability(request.user))
    body = accountability_workbook(_accountability_data(request))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="inspections-accountability.xlsx"'
    return response
