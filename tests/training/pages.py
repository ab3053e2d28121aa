def page_timeline(response):
    """The events of the timeline section that training adds to a group page."""
    (section,) = [
        s for s in response.context["parts"].sections if s.template.endswith("group_timeline.html")
    ]
    return section.context["timeline"]
