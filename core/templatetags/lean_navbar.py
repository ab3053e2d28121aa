"""`{% lean_navbar %}`: the navbar, written in Python.

The same markup templates/includes/navbar.html wrote (Bootstrap's navbar: the sections the
user's role may open, grouped menus, the page's own entry marked active, the account menu
with the logout form), without a template loop over the entries on every page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

# An entry of the page being shown (the class ends, the attribute follows).
ACTIVE = mark_safe(' active" aria-current="page')


def _link(item, current) -> str:
    active = current == item["url_name"]
    return format_html(
        '<li class="nav-item"><a class="nav-link text-nowrap{}" href="{}">{}</a></li>',
        ACTIVE if active else "",
        item["url"],
        item["label"],
    )


def _menu(item, current) -> str:
    children = format_html_join(
        "",
        '<li><a class="dropdown-item{}" href="{}">{}</a></li>',
        (
            (
                ACTIVE if current == child["url_name"] else "",
                child["url"],
                child["label"],
            )
            for child in item["children"]
        ),
    )
    return format_html(
        '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle text-nowrap{}" '
        'href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">{}</a>'
        '<ul class="dropdown-menu">{}</ul></li>',
        " active" if current in item["url_names"] else "",
        item["label"],
        children,
    )


def _account(context, user) -> str:
    role = ""
    if user.role:
        place = format_html(" · {}", user.regency) if user.regency else ""
        role = format_html(
            '<li><span class="dropdown-item-text small text-body-secondary" id="nav-role">'
            '{}{}</span></li><li><hr class="dropdown-divider"></li>',
            user.get_role_display(),
            place,
        )
    two_factor = (
        format_html(
            '<li><a class="dropdown-item" href="{}">{}</a></li>',
            reverse("accounts:recovery_codes"),
            gettext("Two-factor login"),
        )
        if context.get("two_factor")
        else ""
    )
    return format_html(
        '<ul class="navbar-nav"><li class="nav-item dropdown">'
        '<a class="nav-link dropdown-toggle text-nowrap" href="#" role="button" '
        'data-bs-toggle="dropdown" aria-expanded="false">{}</a>'
        '<ul class="dropdown-menu dropdown-menu-end">{}'
        '<li><a class="dropdown-item" href="{}">{}</a></li>{}'
        '<li><form method="post" action="{}" novalidate>'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="dropdown-item">{}</button></form></li>'
        "</ul></li></ul>",
        user,
        role,
        reverse("accounts:password_change"),
        gettext("Change password"),
        two_factor,
        reverse("accounts:logout"),
        str(context.get("csrf_token", "")),
        gettext("Log out"),
    )


@register.simple_tag(takes_context=True)
def lean_navbar(context):
    request, user = context.get("request"), context.get("user")
    signed_in = user is not None and user.is_authenticated
    body = ""
    if signed_in:
        match = getattr(request, "resolver_match", None)
        current = match.view_name if match else None
        entries = [
            _menu(item, current) if item.get("children") else _link(item, current)
            for item in context.get("nav_items", ())
        ]
        if user.is_staff:
            entries.append(
                format_html(
                    '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
                    reverse("admin:index"),
                    gettext("Administration"),
                )
            )
        body = format_html(
            '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" '
            'data-bs-target="#nav-main" aria-controls="nav-main" aria-expanded="false" '
            'aria-label="{}"><span class="navbar-toggler-icon"></span></button>'
            '<div class="collapse navbar-collapse" id="nav-main">'
            '<ul class="navbar-nav me-auto flex-xl-wrap">{}</ul>{}</div>',
            gettext("Menu"),
            mark_safe("".join(entries)),
            _account(context, user),
        )
    return format_html(
        '<nav class="navbar navbar-expand-xl navbar-dark bg-primary" aria-label="{}">'
        '<div class="container"><a class="navbar-brand fw-semibold" href="{}">Modal Usaha</a>'
        "{}</div></nav>",
        gettext("Main navigation"),
        reverse("core:home"),
        body,
    )
