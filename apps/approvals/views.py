from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from apps.accounts import policies
from apps.accounts.mixins import EngagementMixin
from apps.accounts.models import Membership, User
from apps.core.errors import ApplicationError
from apps.core.views import add_service_error
from apps.deliverables import exports
from apps.deliverables.models import Deliverable, DeliverableVersion

from . import selectors, services
from .forms import AddressForm, CommentForm, SignForm, SubmitForm
from .models import ApprovalSubmission, ChangeRequestItem

PAGE_SIZE = 25


def _later_versions(items: list[ChangeRequestItem]) -> dict[int, list[DeliverableVersion]]:
    """For each item, the versions it can be marked addressed in (one query for all items)."""
    deliverable_ids = {i.signature.version.deliverable_id for i in items}
    by_deliverable: dict[int, list[DeliverableVersion]] = defaultdict(list)
    for v in DeliverableVersion.objects.filter(deliverable_id__in=deliverable_ids).only(
            "id", "number", "deliverable_id").order_by("number"):
        by_deliverable[v.deliverable_id].append(v)
    return {i.pk: [v for v in by_deliverable[i.signature.version.deliverable_id]
                   if v.number > i.signature.version.number] for i in items}


class ApprovalsOverviewView(EngagementMixin, TemplateView):
    """/e/<id>/approvals/: what awaits approval, every signature given, the open change requests."""

    nav = "approvals"
    template_name = "approvals/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pending = list(selectors.submission_list(scope=self.scope, status=ApprovalSubmission.Status.PENDING))
        for sub in pending:
            signed = {s.signer_id: s for s in sub.signatures.all()}
            sub.approver_rows = [(u, signed.get(u.pk)) for u in sub.approvers.all()]
        sigs = selectors.signature_list(scope=self.scope)
        page = Paginator(sigs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        items = list(selectors.change_item_list(scope=self.scope, open_only=self.request.GET.get("items") != "all")
                     .order_by("-signature__version__number", "id")[:200])
        later = _later_versions(items) if policies.is_pmo(self.membership) else {}
        for item in items:
            item.later_versions = later.get(item.pk, [])
        deliverables = list(Deliverable.objects.filter(engagement=self.engagement).order_by("title"))
        context.update(
            pending=pending, page=page, signatures=page.object_list, items=items,
            show_all_items=self.request.GET.get("items") == "all",
            deliverable_lines=[(d, selectors.approval_status_line(deliverable=d)) for d in deliverables[:20]],
            awaiting_me=[s for s in pending if any(u.pk == self.request.user.pk and sig is None
                                                   for u, sig in s.approver_rows)],
        )
        return context


class VersionMixin(EngagementMixin):
    nav = "approvals"

    def resolve_objects(self, **kwargs: Any) -> None:
        self.version = selectors.version_get(scope=self.scope, version_id=kwargs["version_id"])


class VersionApprovalView(VersionMixin, TemplateView):
    """The approver's page: the stored document, the diff with the last approved version, the
    trace summary, section comments, the signatures, and the signing form."""

    template_name = "approvals/version.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = self.version
        user = self.request.user
        submission = selectors.current_submission(version=version)
        signatures = selectors.signatures_for_version(version=version)
        base = selectors.last_approved_version(deliverable=version.deliverable, before_number=version.number)
        headings = [s.get("heading", "") for s in sorted(version.sections or [], key=lambda s: s.get("order", 0))]
        comments: dict[str, list[Any]] = defaultdict(list)
        for c in selectors.section_comments(version=version):
            comments[c.section_heading].append(c)
        named = list(submission.approvers.all()) if submission else []
        signed_ids = {s.signer_id for s in signatures}
        may_sign = services.signer_may_sign(membership=self.membership, submission=submission,
                                            named_ids={u.pk for u in named}, signed_ids=signed_ids)
        locked_until = services.signing_locked_until(user=user) if may_sign else None
        stored, published = services.stored_bytes_sha256(version.pk)
        items = list(selectors.change_items_for_deliverable(deliverable=version.deliverable))
        trace = exports.trace_rows(version.trace_manifest)
        context.update(
            version=version, deliverable=version.deliverable, submission=submission, signatures=signatures,
            named_approvers=[(u, next((s for s in signatures if s.signer_id == u.pk), None)) for u in named],
            document=exports.stored_html(version), base=base,
            diff=selectors.section_diff(old_sections=base.sections if base else None,
                                        new_sections=version.sections or []) if base else None,
            trace=trace, trace_count=sum(1 for t in trace if t.kind), suspect_links=version.suspect_links or [],
            headings=headings, comments=dict(comments), comment_form=kwargs.get("comment_form")
            or CommentForm(headings=headings),
            may_comment=policies.may_comment(self.membership),
            may_sign=may_sign, locked_until=locked_until, sign_form=kwargs.get("sign_form") or SignForm(),
            status_line=selectors.approval_status_line(deliverable=version.deliverable),
            hash_ok=stored == published, stored_sha256=stored,
            change_items=items,
            formats=[("md", "Markdown"), ("html", "HTML"), ("pdf", "PDF"), ("docx", "Word (DOCX)")],
        )
        return context


class SignView(VersionApprovalView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("approvals:version", engagement_id=self.engagement.pk, version_id=self.version.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SignForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                signature = services.signature_create(
                    actor=request.user, version=self.version, meaning=data["meaning"], password=data["password"],
                    comment=data["comment"])
                messages.success(request, f"You signed v{self.version.number}: "
                                          f"“{signature.get_meaning_display()}”, {signature.signed_at:%d %b %Y %H:%M} "
                                          "UTC.")
                return redirect("approvals:version", engagement_id=self.engagement.pk, version_id=self.version.pk)
            except services.SigningLockedError as exc:
                add_service_error(form, exc)
                response = self.render_to_response(self.get_context_data(sign_form=form), status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
        return self.render_to_response(self.get_context_data(sign_form=form), status=status)


class SubmitView(VersionMixin, TemplateView):
    pmo_only = True
    template_name = "approvals/submit.html"

    def _form(self, data: Any = None) -> SubmitForm:
        org = Membership.objects.filter(user=OuterRef("pk"), engagement=self.engagement).values("organization__name")
        approvers = User.objects.filter(
            pk__in=selectors.approvers_of(scope=self.scope).values("user_id"),
        ).annotate(organization_name=Subquery(org[:1])).order_by("full_name")
        return SubmitForm(data, approver_users=approvers, default_policy=self.version.deliverable.approval_policy)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=self._form(), version=self.version))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.approval_submit(actor=request.user, version=self.version,
                                         approvers=list(form.cleaned_data["approvers"]),
                                         policy=form.cleaned_data["policy"],
                                         cover_note=form.cleaned_data["cover_note"])
                messages.success(request, f"v{self.version.number} submitted for approval; "
                                          "the approvers were notified.")
                return redirect("approvals:version", engagement_id=self.engagement.pk, version_id=self.version.pk)
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form, version=self.version), status=400)


class WithdrawView(VersionMixin, TemplateView):
    pmo_only = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        submission = ApprovalSubmission.objects.filter(version=self.version,
                                                       status=ApprovalSubmission.Status.PENDING).first()
        if submission is None:
            messages.error(request, f"v{self.version.number} is not awaiting approval.")
        else:
            try:
                services.approval_withdraw(actor=request.user, submission=submission,
                                           reason=request.POST.get("reason", ""))
                messages.success(request, f"The approval request for v{self.version.number} was withdrawn; "
                                          "signatures already given stay on record.")
            except ApplicationError as exc:
                messages.error(request, exc.message)
        return redirect("approvals:version", engagement_id=self.engagement.pk, version_id=self.version.pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("approvals:version", engagement_id=self.engagement.pk, version_id=self.version.pk)


class CommentView(VersionApprovalView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("approvals:version", engagement_id=self.engagement.pk, version_id=self.version.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.may_comment(self.membership):
            raise PermissionDenied("Observers can read but not comment.")
        headings = [s.get("heading", "") for s in (self.version.sections or [])]
        form = CommentForm(request.POST, headings=headings)
        if form.is_valid():
            try:
                services.section_comment_add(actor=request.user, version=self.version,
                                             section_heading=form.cleaned_data["section_heading"],
                                             body=form.cleaned_data["body"])
                messages.success(request, "Comment added.")
                return redirect(f"{request.path.rsplit('comments/', 1)[0]}#comments")
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(comment_form=form), status=400)


class ChangeItemAddressView(EngagementMixin, TemplateView):
    pmo_only = True

    def resolve_objects(self, **kwargs: Any) -> None:
        self.item = (selectors.change_item_list(scope=self.scope)
                     .filter(pk=kwargs["item_id"]).first())
        if self.item is None:
            raise Http404("No such change item")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        signed = self.item.signature.version
        versions = DeliverableVersion.objects.filter(deliverable_id=signed.deliverable_id, number__gt=signed.number)
        form = AddressForm(request.POST, versions=versions)
        if form.is_valid():
            try:
                services.change_item_address(actor=request.user, item=self.item, version=form.cleaned_data["version"],
                                             note=form.cleaned_data["note"])
                version = form.cleaned_data["version"]
                messages.success(request, f"Marked addressed in v{version.number}." if version else "Reopened.")
            except ApplicationError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, "Choose a version published after the one the change was requested on.")
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
            return redirect(target)
        return redirect("approvals:overview", engagement_id=self.engagement.pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("approvals:overview", engagement_id=self.engagement.pk)


class ExportView(VersionMixin, TemplateView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in exports.FORMATS:
            raise Http404("Unknown export format")
        signatures = selectors.signatures_for_version(version=self.version)
        version = DeliverableVersion.objects.select_related("deliverable__engagement", "published_by").get(
            pk=self.version.pk)
        content, content_type, name = exports.export_version(version, signatures, fmt)
        response = HttpResponse(content, content_type=content_type)
        disposition = "inline" if fmt == "html" and request.GET.get("inline") == "1" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        if fmt == "html":
            # The export is a standalone document: no scripts, no external assets.
            response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return response
