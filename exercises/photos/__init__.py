"""The photo library: uploads cleaned on arrival, renditions made once, pictures placed on pages.

Imports nothing of the other parts: they name its models, and its reads find their texts through the app registry."""

import mimetypes

# Python 3.11 does not know AVIF yet; the media view and S3 uploads name a file's type from this table.
mimetypes.add_type("image/avif", ".avif")
