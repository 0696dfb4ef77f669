#!/bin/sh
# Die eine Stelle, an der steht, wie Zugangsatlas als Dienst startet: hinter einem
# TLS-Proxy (Caddy), nur auf 127.0.0.1. Die systemd-Unit (deploy/zugangsatlas.service)
# und der Test tests/e2e/test_deploy_caddy_e2e.py rufen dieses Skript auf.
#
# Umgebung (systemd: /etc/zugangsatlas/zugangsatlas.env):
#   ZUGANGSATLAS_DB          Datenbankdatei, z. B. /var/lib/zugangsatlas/zugangsatlas.db
#   ZUGANGSATLAS_PUBLIC_URL  Adresse für Teilnehmende, z. B. https://zugangsatlas.lan
#   ZUGANGSATLAS_PORT        Port auf 127.0.0.1, an den Caddy weiterleitet (Standard 8501)
#   ZUGANGSATLAS_TRUSTED_PROXIES  Adressen des Proxys, dessen X-Forwarded-For gilt
#                            (Standard 127.0.0.1,::1: Caddy auf derselben Maschine)
#   ZUGANGSATLAS_STREAMLIT   streamlit-Programm (Standard: .venv/bin/streamlit im Programmordner)
set -eu

HERE=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$HERE"

STREAMLIT=${ZUGANGSATLAS_STREAMLIT:-$HERE/.venv/bin/streamlit}
# Hinter Caddy kommt jede Anfrage von 127.0.0.1: Nur wenn dessen X-Forwarded-For gilt,
# unterscheidet die Bremse für falsche Passwörter und Workshop-Codes die Geräte im Raum
# (sonst müsste nach den Fehlversuchen eines Handys jedes Gerät warten).
export ZUGANGSATLAS_TRUSTED_PROXIES="${ZUGANGSATLAS_TRUSTED_PROXIES:-127.0.0.1,::1}"
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
