from accounts.two_factor import is_verified, required_for
from core.navigation import nav_items_for


def navigation(request):
    """The navbar's entries, built once per request (a template rendered with a
    RequestContext runs every context processor again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if required_for(user) and not is_verified(user):
        # Before the second login step no page opens: the navbar offers none.
        return {"nav_items": [], "two_factor": False}
    if not hasattr(request, "_nav_items"):
        request._nav_items = nav_items_for(user)
    return {"nav_items": request._nav_items, "two_factor": required_for(user)}
