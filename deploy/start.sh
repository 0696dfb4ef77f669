#!/bin/sh
# Die eine Stelle, an der steht, wie Zugangsatlas als Dienst startet: hinter einem
# TLS-Proxy (Caddy), nur auf 127.0.0.1. Die systemd-Unit (deploy/zugangsatlas.service)
# und der Test tests/e2e/test_deploy_caddy_e2e.py rufen dieses Skript auf.
#
# Umgebung (systemd: /etc/zugangsatlas/zugangsatlas.env):
#   ZUGANGSATLAS_DB          Datenbankdatei, z. B. /var/lib/zugangsatlas/zugangsatlas.db
#   ZUGANGSATLAS_PUBLIC_URL  Adresse für Teilnehmende, z. B. https://zugangsatlas.lan
#   ZUGANGSATLAS_PORT        Port auf 127.0.0.1, an den Caddy weiterleitet (Standard 8501)
#   ZUGANGSATLAS_STREAMLIT   streamlit-Programm (Standard: .venv/bin/streamlit im Programmordner)
set -eu

HERE=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$HERE"

STREAMLIT=${ZUGANGSATLAS_STREAMLIT:-$HERE/.venv/bin/streamlit}
# das Startskript: app.py mit den Routen für Anmeldung und Downloads; hier und nur hier ändern
APP=serve.py

# Hinter dem Proxy: nur lokal erreichbar (TLS, Namen und Weiterleitungen macht Caddy);
# CORS- und XSRF-Schutz an (der WebSocket ist gleichen Ursprungs, da Caddy den Host-Header
# unverändert weitergibt); keine WebSocket-Kompression (BREACH-artige Angriffe auf
# komprimierte, verschlüsselte Daten; Caddy komprimiert die HTTP-Antworten); kein
# Dateiwächter und kein Neuladen bei Änderungen; keine Nutzungsstatistik.
exec "$STREAMLIT" run "$APP" \
    --server.address 127.0.0.1 \
    --server.port "${ZUGANGSATLAS_PORT:-8501}" \
    --server.headless true \
    --server.enableCORS true \
    --server.enableXsrfProtection true \
    --server.enableWebsocketCompression false \
    --server.fileWatcherType none \
    --server.runOnSave false \
    --server.enableStaticServing false \
    --browser.gatherUsageStats false \
    --client.showErrorDetails type \
    --client.toolbarMode minimal
