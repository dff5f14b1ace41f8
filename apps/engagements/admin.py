from django.contrib import admin

from .models import Engagement, Objective, Workstream

admin.site.register(Engagement)
admin.site.register(Objective)
admin.site.register(Workstream)
