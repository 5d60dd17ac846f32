"""Articles: comparisons and their sections, old addresses; the public pages' reads and views, the publish check,
SEO and the sitemap. May import every other part; of the leads, only the consultation form and its view."""
