"""Certificate PDF download and public verification."""

urlpatterns = []
