from django import template
from django.utils.safestring import mark_safe

from pages.sections import MENU, SECTIONS

register = template.Library()


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Template output, escaped already: safe to print again.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """{% capture name %}…{% endcapture %}: renders its content once into a
    variable, so base.html can print a page's title block in <title> and in
    its OpenGraph tags."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture name %} takes one name.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.simple_tag
def menu_sections():
    """The header's sections: a tag, not a context processor, so that error
    pages rendered without a request keep their menu."""
    return MENU


@register.simple_tag
def site_sections():
    return SECTIONS
