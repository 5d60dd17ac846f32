"""Print a starting .env for running the site on this machine over plain HTTP."""

import secrets

print(f"""# Made by `make run`; never commit this file. See .env.example for every setting.
DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}
DJANGO_DEBUG=false
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
# Plain HTTP on localhost: no redirect to https, no secure-only cookies.
DJANGO_SECURE_SSL_REDIRECT=false
SITE_URL=http://127.0.0.1:8000
# New-request alerts go here; with no mail server set, emails print in this terminal.
DJANGO_CONSULTATION_RECIPIENTS=coaches@example.com
""")
