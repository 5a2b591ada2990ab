from django.db import models

from conductor_django.codat.models import CodatCompanyMixin


class Workspace(CodatCompanyMixin, models.Model):
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name
