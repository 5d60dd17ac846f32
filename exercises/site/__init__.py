"""What every page shares and that knows no content: error pages, HTTP helpers, page meta and JSON-LD, the admin's
login, robots.txt, the manifest and the health check. May import the page cache only."""
