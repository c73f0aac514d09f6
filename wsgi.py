"""What gunicorn serves: `gunicorn wsgi:app`."""
from frontdoor.app import create_app

app = create_app()
