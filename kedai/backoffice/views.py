"""The back office's own pages: sign-in and the landing page; each area
(orders, reports, data, settings) has its own app and URLs."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from kedai.backoffice.access import office_view


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True


@office_view()
def home(request):
    return render(request, "backoffice/home.html")
