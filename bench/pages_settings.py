"""The portal's settings with the bench's URL map (the hello-world peer added)."""

from pensionportal.settings import *  # noqa: F403

ROOT_URLCONF = "pages_urls"
