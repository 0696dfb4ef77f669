"""Who is using the app: the database of this run, the browser's session, sign-in, the
first start and the server-side access check of every page. Builds on web/ only."""
