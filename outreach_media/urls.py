"""Public URLs of outreach media: the short links printed as QR codes."""

from outreach_media.link_views import public_urlpatterns

app_name = "outreach_media"
urlpatterns = [*public_urlpatterns]
