"""The interactive API documentation (Swagger UI), served from the copy inside django-ninja.

ninja would otherwise load Swagger UI from a public CDN unless "ninja" is an installed app; a
service holding children's records should not pull scripts from third parties, and must work
offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
ASSET_NAMES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"})

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{css}">
</head>
<body>
  <script type="application/json" id="swagger-settings">{settings}</script>
  <div id="swagger-ui"></div>
  <script src="{bundle}"></script>
  <script src="{init}"></script>
</body>
</html>
"""


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        # "</" cannot close the script element early once escaped like this.
        settings_json = json.dumps(settings).replace("</", "<\\/")
        html = PAGE.format(
            title=escape(api.title),
            css=_asset_url("swagger-ui.css"),
            bundle=_asset_url("swagger-ui-bundle.js"),
            init=_asset_url("swagger-ui-init.js"),
            settings=settings_json,
        )
        return HttpResponse(html)


def _asset_url(name: str) -> str:
    return reverse("api:docs-asset", kwargs={"name": name})


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSET_NAMES:
        raise Http404(name)
    response = FileResponse((ASSETS / name).open("rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
