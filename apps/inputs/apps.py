from django.apps import AppConfig


class InputsConfig(AppConfig):
    name = "apps.inputs"
    label = "inputs"
