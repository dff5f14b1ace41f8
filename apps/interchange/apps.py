from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "apps.interchange"
    label = "interchange"
    verbose_name = "Import and export"
