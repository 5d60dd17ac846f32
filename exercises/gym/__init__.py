"""The gym: its profile and opening hours, coaches and credentials; the visit and privacy pages.

May import writing, photos, site and the page cache; never articles, the exercise library or the leads."""
