"""The HTTP layer serve.py mounts beside the app: session cookie routes, guarded downloads,
the German HTML shell with the page menu's script, the browser's own cookie and the client
address. The bottom of pages/: it imports no other sub-package of pages/."""
