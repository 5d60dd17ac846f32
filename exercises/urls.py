from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .articles import views
from .articles.sitemaps import SITEMAPS
from .gym import views as gym
from .leads import views as leads
from .pagecache import public_page
from .site import views as site

app_name = "exercises"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/<slug:slug>/", views.comparison_detail, name="comparison_detail"),
    path("compare/<slug:slug>/share.png", views.comparison_share_image, name="comparison_share_image"),
    path("compare/<slug:slug>/share.jpg", views.comparison_share_photo, name="comparison_share_photo"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise_detail"),
    path("coaches/", views.coach_list, name="coach_list"),
    path("coaches/<slug:slug>/", views.coach_detail, name="coach_detail"),
    path("visit/", gym.visit, name="visit"),
    path("privacy/", gym.privacy, name="privacy"),
    path("consultation/", leads.consultation, name="consultation"),
    path("consultation/thanks/", leads.consultation_thanks, name="consultation_thanks"),
    path("read/", leads.read_beacon, name="read_beacon"),
    path("healthz", site.healthz, name="healthz"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site.robots_txt, name="robots_txt"),
    path("site.webmanifest", site.web_manifest, name="web_manifest"),
]
