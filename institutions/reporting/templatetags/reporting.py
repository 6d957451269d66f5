from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A share as "42.5 %", or a dash when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{value:g} %"
