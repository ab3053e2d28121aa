"""Excel import (upload, preview, confirm), the empty template, and the export of groups."""

import datetime
import uuid

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Action
from core.personal_data import personal_data_detail
from core.view_helpers import require_answer, require_role
from core.xlsx import XLSX_CONTENT_TYPE, dated_filename
from groups import exports, imports, rules
from groups.excel_forms import ImportConfirmForm, ImportUploadForm
from groups.filters import GroupFilter
from groups.models import BusinessGroup

SESSION_KEY = "group_import_tokens"
KEPT_TOKENS = 5  # previews a user may have open at once
STALE_AFTER_SECONDS = 24 * 60 * 60
ERRORS_SHOWN = 200


# A preview's checked rows (groups.imports.dump_checked) wait for their confirmation in the
# default storage (the file system, or the object store that every app server shares),
# named by a random token that only the session that previewed them knows; a confirmation
# on another server finds them, and imports them without reading the workbook again.
IMPORTS = "imports"
SUFFIX = ".rows"


def _stored(token: uuid.UUID) -> str:
    return f"{IMPORTS}/{token}{SUFFIX}"


@require_http_methods(["GET", "POST"])
def group_import(request):
    """Step 1: upload and preview (a dry run). Step 2: confirm, and the import runs."""
    require_answer(rules.may_import(request.user))
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _preview(request, form.cleaned_data["file"])
    return render(request, "groups/import.html", {"form": form})


def _preview(request, upload):
    result = imports.groups_import(file=upload, by=request.user, dry_run=True)
    token = None
    if result.ok:
        token = uuid.uuid4()
        _keep(request, token, result.checked)
    return _render_result(request, result, token=token)


def _keep(request, token, checked: bytes):
    """Store the preview's checked rows for the confirmation, remembered in this user's
    session."""
    _remove_stale_files()
    default_storage.save(_stored(token), ContentFile(checked))
    tokens = request.session.get(SESSION_KEY, [])
    for old in tokens[: -KEPT_TOKENS + 1]:
        default_storage.delete(_stored(uuid.UUID(old)))
    request.session[SESSION_KEY] = [*tokens[-KEPT_TOKENS + 1 :], str(token)]


def _remove_stale_files():
    """Previews nobody confirmed: their files go after a day."""
    try:
        _folders, names = default_storage.listdir(IMPORTS)
    except FileNotFoundError:
        return
    limit = timezone.now() - datetime.timedelta(seconds=STALE_AFTER_SECONDS)
    for name in names:
        path = f"{IMPORTS}/{name}"
        if name.endswith(SUFFIX) and default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)


def _confirm(request):
    form = ImportConfirmForm(request.POST)
    if not form.is_valid() or str(form.cleaned_data["token"]) not in request.session.get(
        SESSION_KEY, []
    ):
        raise Http404
    token = form.cleaned_data["token"]
    name = _stored(token)
    request.session[SESSION_KEY] = [t for t in request.session[SESSION_KEY] if t != str(token)]
    if "cancel" in request.POST:
        default_storage.delete(name)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect("groups:group_import")
    if not default_storage.exists(name):
        messages.error(request, _("The uploaded file is no longer kept; upload it again."))
        return redirect("groups:group_import")
    try:
        with default_storage.open(name, "rb") as kept:
            checked = kept.read()
        result = imports.groups_import(checked=checked, by=request.user)
    finally:
        default_storage.delete(name)
    if not result.ok:  # the data changed between the preview and the confirmation
        return _render_result(request, result, token=None)
    messages.success(request, _summary(result))
    return redirect("groups:group_list")


def _render_result(request, result, *, token):
    return render(
        request,
        "groups/import_preview.html",
        {
            "result": result,
            "errors": result.errors[:ERRORS_SHOWN],
            "errors_hidden": max(len(result.errors) - ERRORS_SHOWN, 0),
            "confirm_form": ImportConfirmForm(initial={"token": token}) if token else None,
        },
    )


def _summary(result):
    return _(
        "Import saved. Groups: %(new)d new, %(updated)d updated, %(unchanged)d unchanged. "
        "Members: %(members_new)d new, %(members_updated)d updated, %(members_removed)d removed."
    ) % {
        "new": result.groups_created,
        "updated": result.groups_updated,
        "unchanged": result.groups_unchanged,
        "members_new": result.members_created,
        "members_updated": result.members_updated,
        "members_removed": result.members_removed,
    }


@require_http_methods(["GET"])
def group_import_template(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    response = HttpResponse(exports.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-kelompok.xlsx"'
    return response


def filtered_groups(request):
    """The groups the list page shows for the same GET parameters."""
    queryset = BusinessGroup.objects.visible_to(request.user)
    return GroupFilter(request.GET, queryset=queryset, user=request.user).qs


@require_http_methods(["GET"])
def group_export(request):
    """The groups of the list page (same filters, only what the user may see), as xlsx."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    queryset = filtered_groups(request)
    full = bool(rules.may_export_full_identity(request.user))
    response = StreamingHttpResponse(
        exports.stream_groups(queryset=queryset, user=request.user, full_identity=full),
        content_type=XLSX_CONTENT_TYPE,
    )
    filename = dated_filename("kelompok-usaha")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.audit_detail = personal_data_detail(full)
    return response
