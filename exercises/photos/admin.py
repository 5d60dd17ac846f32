"""The photo library in the admin: upload, describe, see where a photo is used; and an exercise's photos."""

from adminsortable2.admin import SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from . import processing, services
from .models import ExercisePhoto, Photo, PhotoRendition
from .selectors import photo_uses, text_uses

UPLOAD_HELP = (
    "A JPEG, PNG or WebP of the gym's own, up to 20 MB and 40 megapixels. The camera's data (EXIF, GPS "
    "position included) is removed, and a picture taken sideways is turned upright."
)


def thumbnail(photo: Photo | None, width: int = 120):
    small = photo.thumbnail if photo else None
    if small is None:
        return "—"
    height = round(small.height * width / small.width)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" class="photo-thumbnail">', small.file.url, width, height
    )


class PhotoForm(forms.ModelForm):
    upload = forms.FileField(
        label="Picture file",
        required=False,
        help_text=UPLOAD_HELP,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Photo
        fields = ("key", "alt_text", "decorative", "caption", "credit", "focal_x", "focal_y")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            if self.instance.pk is None:
                raise ValidationError("Choose the picture file to upload.")
            return None
        try:
            # The size first: a file over the limit is never read into memory.
            processing.refuse_too_large(upload.size)
            return processing.clean_upload(upload.name, upload.read())
        except processing.Refused as refused:
            raise ValidationError(str(refused)) from None

    def clean(self):
        cleaned = super().clean()
        upload = self.files.get("upload")
        if not cleaned.get("key") and self.instance.pk is None and upload is not None:
            cleaned["key"] = services.key_from_name(upload.name)
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.files.get("upload") and self.errors and "upload" not in self.errors:
            # A browser never keeps a chosen file through a form shown again: say so, next to the file box.
            self.add_error("upload", "Choose the file again: the browser forgets it when the form comes back.")


class PhotoRenditionInline(admin.TabularInline):
    """The sizes made of the photo, to look at: they are made again whenever a new file is uploaded."""

    model = PhotoRendition
    extra = 0
    fields = ("format", "width", "height", "file_link")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "sizes made for pages (made again with each new file)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def file_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.file.url, obj.file.name.rsplit("/", 1)[-1])


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """The gym's own pictures. Each upload is cleaned and made in the sizes pages use, once, when saved."""

    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "write", "Photos"

    form = PhotoForm
    inlines = (PhotoRenditionInline,)
    list_display = ("small", "key", "alt_text", "dimensions", "uploaded_at")
    # The key is the link: the thumbnail has no text of its own (its description is the next column).
    list_display_links = ("key",)
    search_fields = ("key", "alt_text", "caption")
    readonly_fields = ("large", "dimensions", "used_in")
    fieldsets = (
        (None, {"fields": ("large", "upload", "key", "alt_text", "decorative", "dimensions")}),
        ("Under the photo", {"fields": ("caption", "credit")}),
        (
            "Focus",
            {
                "fields": ("focal_x", "focal_y"),
                "description": "Where the subject is, so that a crop (the share card, a narrow frame) keeps it.",
            },
        ),
        ("Where it is used", {"fields": ("used_in",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Texts place a photo by its key: once saved, a new key would leave them pointing at nothing.
        return (*self.readonly_fields, "key") if obj else self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def save_model(self, request, obj, form, change):
        services.store_photo(photo=obj, upload=form.cleaned_data.get("upload"))

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Exercises, lead photos and portraits are guarded by their foreign keys; texts by this.
        protected = [*protected, *(use for photo in objs for use in text_uses(photo))]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.delete_photo(photo=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            services.delete_photo(photo=photo)

    @admin.display(description="photo")
    def small(self, obj):
        return thumbnail(obj, 96)

    @admin.display(description="photo")
    def large(self, obj):
        return thumbnail(obj, 320) if obj.pk else "Choose the file below."

    @admin.display(description="size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height} px" if obj.width else "—"

    @admin.display(description="shown in")
    def used_in(self, obj):
        uses = photo_uses(obj) if obj.pk else []
        return (
            "; ".join(uses)
            if uses
            else "Nowhere yet. Add it to an exercise, or place it in a text with the Image button."
        )


class ExercisePhotoInline(SortableTabularInline):
    model = ExercisePhoto
    extra = 0
    fields = ("small", "photo", "label")
    readonly_fields = ("small",)
    autocomplete_fields = ("photo",)
    verbose_name = "photo of this exercise"
    verbose_name_plural = "photos of this exercise (shown on its page and in each comparison, in this order)"

    @admin.display(description="preview")
    def small(self, obj):
        return thumbnail(obj.photo if obj.pk else None, 96)
