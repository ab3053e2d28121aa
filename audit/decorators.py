from functools import wraps


def stored_file(model):
    """For a view that serves one stored file of `model`, found by the view's `pk`: the
    access log records the download against that object (every other file a view
    answers with is recorded as an export, by the middleware)."""
    label = model._meta.label_lower

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.audit_object = (label, str(kwargs.get("pk", "")))
            return response

        return wrapped

    return decorator
