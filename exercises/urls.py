from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/<slug:slug>/", views.comparison_detail, name="comparison_detail"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise_detail"),
    path("consultation/", views.consultation, name="consultation"),
    path("consultation/thanks/", views.consultation_thanks, name="consultation_thanks"),
    path("healthz", views.healthz, name="healthz"),
]
