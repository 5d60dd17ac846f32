"""Django's admin finds the app's screens here; each part registers its own."""

from .articles import admin as articles_admin  # noqa: F401
from .gym import admin as gym_admin  # noqa: F401
from .leads import admin as leads_admin  # noqa: F401
from .library import admin as library_admin  # noqa: F401
from .photos import admin as photos_admin  # noqa: F401
from .writing import admin as writing_admin  # noqa: F401
