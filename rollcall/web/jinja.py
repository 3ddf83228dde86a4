"""The Jinja2 environment: rollcall's templates plus the GOV.UK Frontend macros."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from rollcall.web.forms import error_summary, field_html
from rollcall.web.navigation import navigation


def _url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    options.pop("loader", None)
    options["autoescape"] = True  # Django's default for Jinja2 too; never turn it off
    template_dirs: list[str] = [str(d) for d in settings.TEMPLATES[0]["DIRS"]]  # type: ignore[attr-defined]
    env = Environment(  # noqa: S701 - autoescape is set in options above
        loader=ChoiceLoader(
            [
                FileSystemLoader(template_dirs),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        **options,
    )
    env.globals.update(
        {
            "static": static,
            "url": _url,
            "get_messages": get_messages,
            "service_name": "rollcall",
            "navigation": navigation,
            "govuk_field": field_html,
            "error_summary": error_summary,
        }
    )
    return env
