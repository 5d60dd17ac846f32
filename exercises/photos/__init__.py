"""The photo library: uploads cleaned on arrival, renditions made once, pictures placed on pages."""

import mimetypes

# Python 3.11 does not know AVIF yet; the media view and S3 uploads name a file's type from this table.
mimetypes.add_type("image/avif", ".avif")
