"""The invented world the demo draws from: the two Sozialräume and the demo team, the
fixed last month, the situations of households and the barriers they make likely, where
in the journey a barrier tends to show, the channels, the family's perspective per stage,
quotes and the languages spoken at home.

The frequencies follow the source documents: most ANNA households are single parents
with children; language, distance without a car, childcare, paperwork, debt and fear of
sanctions recur.
"""

from __future__ import annotations

from collections.abc import Sequence

from journeys import storage
from journeys.models import Channel

DEMO_SOZIALRAEUME = ("Everswinkel", "Ennigerloh")
DEMO_TEAM = storage.teams.DEMO_TEAM  # registered as synthetic: no real family goes there
DEFAULT_FAMILIES = 30
DEFAULT_SEED = 2020
# The last month the demo journeys may reach: fixed, so that a seed always gives the same data.
LAST_MONTH = (2026, 10)
# Every demo journey has at least this many steps (the plan has 5 to 15).
MIN_STEPS = 5

# Latent situations of a household and the barriers they make likely, with weights.
SITUATIONS: dict[str, tuple[float, dict[str, float]]] = {
    "wenig_deutsch": (0.35, {
        "sprache.deutsch": 3, "sprache.dolmetschung": 2, "sprache.behoerdendeutsch": 3,
        "sprache.missverstaendnis": 1.5, "passung.aufenthalt_anerkennung": 1,
        "information.rechte": 1,
    }),
    "ohne_auto": (0.6, {
        "erreichbarkeit.mobilitaet": 3, "erreichbarkeit.entfernung": 2.5,
        "existenz.kosten": 1, "erreichbarkeit.oeffnungszeiten": 1,
    }),
    "kinder_klein": (0.55, {
        "familie.kinderbetreuung": 3.5, "erreichbarkeit.oeffnungszeiten": 1.5,
        "verfahren.termine_pflichten": 1,
    }),
    "schulden": (0.4, {
        "existenz.schulden": 3, "existenz.wohnungsverlust": 1, "vertrauen.scham": 1,
    }),
    "belastet": (0.3, {
        "gesundheit.psychisch": 2.5, "verfahren.termine_pflichten": 2,
        "gesundheit.versorgung": 1.5, "familie.netzwerk": 1,
    }),
    "offline": (0.3, {
        "digital.endgeraet": 2, "digital.kompetenz": 2.5, "digital.nur_online": 2,
    }),
    "misstrauen": (0.35, {
        "vertrauen.sanktionsangst": 3, "vertrauen.image": 1.5, "vertrauen.erfahrung": 1.5,
        "vertrauen.scham": 1,
    }),
    "papier": (0.5, {
        "verfahren.nachweise": 3, "verfahren.antrag_komplex": 2.5,
        "verfahren.bearbeitungsdauer": 1.5, "sprache.behoerdendeutsch": 1,
    }),
    "unbekannt": (0.45, {
        "information.angebote": 3, "information.rechte": 2, "information.nicht_angeboten": 1.5,
        "information.nutzen_gering": 1,
    }),
    "koordination": (0.35, {
        "passung.versaeulung": 2, "passung.uebergabe": 2.5, "passung.wille": 1,
    }),
    "gesundheit": (0.2, {
        "gesundheit.koerperlich": 2.5, "gesundheit.sucht": 1, "familie.pflege": 1,
        "erreichbarkeit.barrierefreiheit": 0.7,
    }),
    "trennung": (0.25, {
        "familie.trennung": 3, "familie.netzwerk": 1.5, "existenz.wohnungslos": 0.3,
    }),
}  # fmt: skip

# Where in the journey a barrier tends to show (multiplies the situation weight).
STAGE_AFFINITY: dict[str, tuple[str, ...]] = {
    "erstkontakt": ("information", "vertrauen", "erreichbarkeit", "sprache"),
    "antrag": ("verfahren", "digital", "sprache", "existenz"),
    "orientierung": ("sprache", "gesundheit", "familie", "vertrauen"),
    "kooperationsplan": ("sprache", "vertrauen", "passung", "verfahren"),
    "verweisberatung": ("passung", "erreichbarkeit", "gesundheit", "existenz"),
    "kinderbetreuung": ("familie", "erreichbarkeit", "verfahren"),
    "fallkonferenz": ("passung", "vertrauen"),
    "massnahme": ("familie", "erreichbarkeit", "sprache", "gesundheit"),
    "vermittlung": ("familie", "passung", "erreichbarkeit"),
    "nachbetreuung": ("familie", "existenz"),
    "abloesung": ("verfahren", "existenz"),
}

CHANNELS: dict[str, tuple[tuple[Channel, float], ...]] = {
    "erstkontakt": ((Channel.PERSOENLICH, 4), (Channel.AUFSUCHEND, 2), (Channel.TELEFON, 2)),
    "antrag": ((Channel.ONLINE, 3), (Channel.BRIEF, 3), (Channel.PERSOENLICH, 2)),
    "kinderbetreuung": ((Channel.PERSOENLICH, 4), (Channel.TELEFON, 2)),
    "nachbetreuung": ((Channel.TELEFON, 3), (Channel.HAUSBESUCH, 2), (Channel.PERSOENLICH, 2)),
}
DEFAULT_CHANNELS = ((Channel.PERSOENLICH, 6), (Channel.TELEFON, 2), (Channel.HAUSBESUCH, 1))

PERSPECTIVE: dict[str, dict[str, Sequence[str]]] = {
    "sees": {
        "erstkontakt": (
            "Einen Wartebereich mit Nummernanzeige",
            "Eine Beraterin, die zu Hause klingelt",
        ),
        "antrag": ("Einen Stapel Formulare", "Ein Online-Portal mit vielen Pflichtfeldern"),
        "orientierung": (
            "Einen Beratungsraum mit Spielecke",
            "Einen Fragebogen zur Familiensituation",
        ),
        "verweisberatung": ("Einen Flyer der Beratungsstelle", "Eine Warteliste"),
        "kinderbetreuung": ("Ein Anmeldeformular der Kita", "Eine Absage wegen fehlender Plätze"),
        "massnahme": ("Einen Kursplan mit Terminen um 8 Uhr", "Eine Gruppe fremder Menschen"),
    },
    "brings": {
        "antrag": ("Kontoauszüge der letzten drei Monate", "Mietvertrag und Nebenkostenabrechnung"),
        "orientierung": ("Zeugnisse, soweit vorhanden", "Den letzten Bescheid"),
        "kinderbetreuung": ("Geburtsurkunden der Kinder", "Impfnachweis"),
        "verweisberatung": ("Alle Mahnungen und Schuldtitel", "Die Überweisung vom Jobcenter"),
    },
    "understands": {
        "antrag": ("Nicht, warum dieselben Unterlagen noch einmal gebraucht werden",),
        "kooperationsplan": (
            "Nur einen Teil der vereinbarten Pflichten",
            "Dass die Ziele gemeinsam festgelegt werden",
        ),
        "verweisberatung": ("Dass die Beratung kostenlos und vertraulich ist",),
        "massnahme": ("Wofür der Kurs gut sein soll",),
    },
    "feels": {
        "erstkontakt": ("unsicher", "erleichtert, dass jemand zuhört", "beschämt"),
        "antrag": ("überfordert", "unter Druck"),
        "orientierung": ("ernst genommen", "müde"),
        "kooperationsplan": ("misstrauisch", "ermutigt"),
        "verweisberatung": ("hoffnungsvoll", "allein gelassen"),
        "kinderbetreuung": ("erleichtert", "enttäuscht"),
        "massnahme": ("angespannt", "stolz"),
        "vermittlung": ("stolz", "ängstlich"),
    },
}

QUOTES = (
    "Ich wusste gar nicht, dass es so eine Beratung gibt.",
    "Den Brief habe ich dreimal gelesen und nicht verstanden.",
    "Ohne Auto brauche ich mit dem Bus über eine Stunde.",
    "Wer passt auf die Kleine auf, wenn ich um acht im Kurs sein soll?",
    "Ich hatte Angst, dass mir das Geld gekürzt wird.",
    "Endlich hat mal jemand alles zusammen angeschaut.",
    "Beim Amt fühle ich mich wie eine Nummer.",
    "Die Frau von der Beratung kam zu uns nach Hause, das war gut.",
    "Ich habe mich geschämt, über die Schulden zu reden.",
    "Das Portal ging auf dem Handy nicht.",
)

LANGUAGE_SETS: tuple[tuple[tuple[str, ...], float, bool], ...] = (
    (("Deutsch",), 60, False),
    (("Arabisch", "Deutsch"), 8, False),
    (("Arabisch",), 6, True),
    (("Türkisch", "Deutsch"), 7, False),
    (("Ukrainisch",), 6, True),
    (("Russisch", "Deutsch"), 5, False),
    (("Kurdisch",), 3, True),
    (("Rumänisch",), 3, True),
    (("Tigrinya",), 2, True),
)
