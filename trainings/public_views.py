"""Public registration, tickets, cancellation and feedback."""

urlpatterns = []
