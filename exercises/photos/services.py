"""Writes to the photo library: a photo stored with its renditions, and a photo deleted only when unused."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from . import processing
from .models import Photo, PhotoRendition, RenditionFormat
from .selectors import photo_uses

KINDS = {"AVIF": RenditionFormat.AVIF, "JPEG": RenditionFormat.JPEG}


def key_from_name(name: str) -> str:
    """ "IMG_2041 Hip Thrust.JPG" → "img-2041-hip-thrust", made unique with a number when it is taken."""
    stem = slugify(name.rsplit(".", 1)[0])[:50] or "photo"
    key, number = stem, 2
    while Photo.objects.filter(key=key).exists():
        key, number = f"{stem}-{number}", number + 1
    return key


def store_photo(*, photo: Photo, upload: processing.Cleaned | None) -> Photo:
    """Save the photo; with a new upload, its cleaned file and every rendition of it, under hashed names.

    The names change whenever the content does, so a page may cache a photo's address for a year. Every size
    is made before anything is written, and a save that fails here removes the files it wrote. (A caller's
    transaction that rolls back after this returns still leaves them: Django has no rollback hook.)
    """
    if upload is None:
        photo.save()
        return photo
    made = processing.renditions(upload)
    digest = hashlib.sha256(upload.content).hexdigest()[:16]
    storage = photo.file.storage
    written = []
    try:
        with transaction.atomic():
            old_files = [photo.file.name] if photo.pk and photo.file else []
            if photo.pk:
                old_files += [rendition.file.name for rendition in photo.renditions.all()]
                photo.renditions.all().delete()
            photo.file.save(f"{digest}/{photo.key}{upload.extension}", ContentFile(upload.content), save=False)
            written.append(photo.file.name)
            photo.width, photo.height = upload.width, upload.height
            photo.save()
            for encoder, file in made:
                kind = KINDS[encoder]
                rendition = PhotoRendition(photo=photo, format=kind, width=file.width, height=file.height)
                file_digest = hashlib.sha256(file.content).hexdigest()[:12]
                rendition.file.save(
                    f"{digest}/{photo.key}-{file.width}-{file_digest}.{kind}", ContentFile(file.content), save=False
                )
                written.append(rendition.file.name)
                rendition.save()
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    # Removed only after the commit: until then the old page still points at them.
    transaction.on_commit(lambda: [storage.delete(name) for name in old_files if name])
    return photo


def delete_photo(*, photo: Photo) -> None:
    """Delete the photo and its files, unless a page still shows it."""
    if uses := photo_uses(photo):
        raise ValidationError(f"“{photo}” is still shown in {', '.join(uses)}. Take it out there first.")
    names = [photo.file.name, *(rendition.file.name for rendition in photo.renditions.all())]
    storage = photo.file.storage
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names if name])
