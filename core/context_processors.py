from core.navigation import nav_items_for


def navigation(request):
    """The navbar's entries, built once per request (a template rendered with a
    RequestContext runs every context processor again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if not hasattr(request, "_nav_items"):
        request._nav_items = nav_items_for(user)
    return {"nav_items": request._nav_items}
