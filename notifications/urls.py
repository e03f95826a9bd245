from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("<slug:slug>/", views.outbox, name="outbox"),
    path("<slug:slug>/xu-ly/", views.outbox_bulk_action, name="bulk-action"),
    path("<slug:slug>/<uuid:pk>/", views.notification_detail, name="detail"),
    path("<slug:slug>/<uuid:pk>/gui-lai/", views.notification_resend_view, name="resend"),
]
