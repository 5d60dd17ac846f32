"""Django registers the app's models from this module; each lives in the part of the site it belongs to."""

from .articles.models import (  # noqa: F401
    FAQ,
    Comparison,
    Criterion,
    Myth,
    RelatedComparison,
    Section,
    ShowdownFactor,
    SlugRedirect,
)
from .gym.models import Coach, Credential, GymProfile, OpeningHours  # noqa: F401
from .leads.models import (  # noqa: F401
    ArticleReads,
    ConsultationRequest,
    Counter,
    Notification,
    NotificationRecipient,
)
from .library.models import (  # noqa: F401
    ClientQuote,
    Exercise,
    ExerciseMuscle,
    ExercisePoint,
    Muscle,
    MuscleRegion,
    ProgrammingScheme,
)
from .photos.models import ExercisePhoto, Photo, PhotoRendition  # noqa: F401
from .writing.models import Reference  # noqa: F401
