from django.contrib.auth.models import AbstractUser
from django.db import models

from conductor_django.models import ConductorEndUserMixin


class User(ConductorEndUserMixin, AbstractUser):
    company_name = models.CharField(max_length=200, blank=True)
