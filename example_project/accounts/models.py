from django.contrib.auth.models import AbstractUser
from django.db import models

from conductor_django.codat.models import CodatCompanyMixin
from conductor_django.models import ConductorEndUserMixin


class User(ConductorEndUserMixin, CodatCompanyMixin, AbstractUser):
    company_name = models.CharField(max_length=200, blank=True)
