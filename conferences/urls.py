from django.urls import path

from conferences.views import delegates, public

app_name = "conferences"

urlpatterns = [
    path("", public.home, name="home"),
    path("hoi-nghi/<slug:slug>/", public.conference_detail, name="detail"),
    path("xac-minh/", public.certificate_verify, name="certificate-lookup"),
    path("xac-minh/<str:code>/", public.certificate_verify, name="certificate-verify"),
    path("tra-loi/<str:token>/", delegates.rsvp, name="rsvp"),
    path("dai-bieu/<str:token>/", delegates.delegate_page, name="delegate"),
]
