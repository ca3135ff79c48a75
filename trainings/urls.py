"""Public URLs of the trainings app (registration, tickets, feedback, certificate verification)."""

from trainings import certificate_views, public_views, room_feedback

app_name = "trainings"
urlpatterns = [*public_views.urlpatterns, *certificate_views.urlpatterns, *room_feedback.urlpatterns]
