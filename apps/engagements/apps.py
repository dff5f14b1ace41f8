from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "apps.engagements"
    label = "engagements"
