"""`{% lean_field field %}`: a list page's filter field as crispy-forms' Bootstrap 5 pack
writes it, without a template per option.

Django renders every <option> of a select through the template engine, and crispy-forms
wraps each field in a few more templates: the filter form was a fifth of a list page's
time. Selects (the filters' choices) are written here in Python with the same markup
(label, `form-select`, the selected option, errors and help text); any other widget is
rendered by its own template (one per field) and crispy's classes, and a widget this does
not know is left to crispy-forms."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# Django's input widgets whose template is input.html and nothing more (a project template
# of the same name would still be bypassed: none exists).
INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "search", "number", "date", "email", "url", "tel")
}


def _described_by(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


def _choices(form_field):
    """The field's choices. A model choice field's rows are read in one plain query:
    Django's iterator over them asks PostgreSQL for a server-side cursor (DECLARE ... WITH
    HOLD), a millisecond per select for a dozen rows."""
    if not isinstance(form_field, forms.ModelChoiceField):
        return form_field.choices
    choices = [] if form_field.empty_label is None else [("", form_field.empty_label)]
    return choices + [
        (form_field.prepare_value(obj), form_field.label_from_instance(obj))
        for obj in form_field.queryset.all()
    ]


def _select(field, invalid: str) -> str | None:
    selected = field.value()
    selected = {"" if selected is None else str(selected)}
    options = []
    for value, label in _choices(field.field):
        if isinstance(label, list | tuple):  # option groups: left to the widget's templates
            return None
        value = "" if value is None else str(value)
        options.append((value, " selected" if value in selected else "", label))
    described = _described_by(field)
    return format_html(
        '<select name="{}" class="select form-select{}"{}{} id="{}">{}</select>',
        field.html_name,
        invalid,
        mark_safe(' aria-invalid="true"') if invalid else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        field.auto_id,
        format_html_join("", '<option value="{}"{}>{}</option>', options),
    )


def _input(field, invalid: str) -> str:
    widget = field.field.widget
    css = f"{type(widget).__name__.lower()} form-control{invalid}"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if invalid:
        attrs["aria-invalid"] = "true"  # before aria-describedby, as crispy-forms writes them
    described = _described_by(field)
    if described:
        attrs["aria-describedby"] = described
    if widget.template_name not in INPUT_TEMPLATES:
        return field.as_widget(attrs=attrs)
    # Django's input.html and attrs.html, written here: the same context, no template.
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        _attrs(context["attrs"]),
    )


def _attrs(attrs: dict) -> str:
    """Django's attrs.html: in order, True as a bare name, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


@register.simple_tag
def lean_field(field):
    widget = field.field.widget
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        control = _select(field, invalid)
    elif isinstance(widget, Input) and not isinstance(widget, forms.FileInput):
        control = _input(field, invalid)
    else:
        control = None
    if control is None:
        return as_crispy_field(field)
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, e) for n, e in enumerate(field.errors, start=1)),
            ),
        )
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        field.auto_id,
        field.label,
        control,
        errors,
        help_text,
    )


def single_valued(field, user) -> bool:
    """Whether a filter can take only one value for this user, so that it says nothing: the
    regency of a user who works in one regency, a choice with a single option."""
    if field.name == "regency" and getattr(user, "has_regency_scope", False):
        return True
    choices = getattr(field.field, "choices", None)
    if isinstance(choices, list | tuple):  # fixed choices (a queryset's are not counted)
        return len([value for value, _label in choices if value not in ("", None)]) <= 1
    return False


@register.simple_tag
def shown_filters(filter_set, user):
    """The filter's fields worth showing to this user, and how many of them are in use."""
    fields = [field for field in filter_set.form if not single_valued(field, user)]
    active = sum(1 for field in fields if field.value() not in (None, "", [], ()))
    return {"fields": fields, "active": active, "errors": filter_set.form.errors}
