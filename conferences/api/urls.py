from django.urls import include, path
from rest_framework.routers import DefaultRouter

from conferences.api import views
from notifications.api import NotificationViewSet

app_name = "api"

router = DefaultRouter()
router.register("conferences", views.ConferenceViewSet, basename="conference")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("", include(router.urls)),
]
