"""The demo families' goals: what they want to reach and what they will do themselves.

Invented, like everything in the demo, and drawn from a random stream of its own (seeded
by the demo's seed and the family's case code), so that the families, journeys and tags
the demo wrote before goals existed stay exactly the same. A mother who wants to finish
her German course, a father who needs a driving licence for shift work, a teenager who
wants an apprenticeship, a family that wants its debts under control: some reached, some
in progress, a few still a wish without the family's own part, a few dropped.
"""

from __future__ import annotations

import random
from datetime import date

from journeys.models import Family, Journey, Member, Role
from journeys.models.goals import Goal, GoalSetter, GoalStatus, GoalStatusChange

# (role of the member, aim, own part, support); teenagers are the "kind" ones
MEMBER_GOALS: tuple[tuple[str, str, str, str], ...] = (
    (
        "mutter",
        "Den Deutschkurs B1 abschließen",
        "Ich gehe dreimal die Woche vormittags zum Kurs, während die Kinder in der Kita sind.",
        "Die Oma holt die Kinder mittwochs ab; das Sprachcafé im Stadtteilzentrum",
    ),
    (
        "mutter",
        "Eine Teilzeitstelle finden, die zu den Kita-Zeiten passt",
        "Ich schreibe jede Woche zwei Bewerbungen und übe mit der Patin Vorstellungsgespräche.",
        "Die ehrenamtliche Patin aus dem Elterncafé",
    ),
    (
        "vater",
        "Den Führerschein machen, um zur Schichtarbeit zu kommen",
        "Ich lerne jeden Abend die Theorie und lege jeden Monat Geld für die Fahrstunden zurück.",
        "Der Nachbar übt mit mir auf dem Verkehrsübungsplatz",
    ),
    (
        "vater",
        "Meinen Berufsabschluss anerkennen lassen",
        "Ich bringe die Zeugnisse zur Anerkennungsberatung und lasse sie übersetzen.",
        "Die Migrationsberatung",
    ),
    (
        "kind",
        "Einen Ausbildungsplatz finden",
        "Ich mache in den Ferien ein Praktikum und gehe zur Berufsberatung.",
        "Der Mentor vom Jugendtreff",
    ),
)
FAMILY_GOALS: tuple[tuple[str, str, str], ...] = (
    (
        "Die Schulden in den Griff bekommen",
        "Wir bringen alle Briefe zur Schuldnerberatung und legen jeden Monat etwas zurück.",
        "Die Schuldnerberatung; die Tafel hilft beim Einkauf",
    ),
    (
        "Eine größere Wohnung finden",
        "Wir schauen jede Woche die Anzeigen durch und fragen in der Gemeinde nach.",
        "",
    ),
    (
        "Einen Kita-Platz für das jüngste Kind",
        "",  # still a wish: the family's own part is not written down yet
        "",
    ),
)
STATUSES = ((GoalStatus.ERREICHT, 3), (GoalStatus.IN_ARBEIT, 4), (GoalStatus.OFFEN, 2))
SETTERS = ((GoalSetter.FAMILIE, 3), (GoalSetter.GEMEINSAM, 5), (GoalSetter.FACHKRAFT, 1))
TEEN_BANDS = ("15-17", "18-24")


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _month_day(month: str, day: int) -> date:
    return date(int(month[:4]), int(month[5:7]), day)


def _candidates(member: Member) -> list[tuple[str, str, str, str]]:
    if member.role is Role.KIND and member.age_band.value not in TEEN_BANDS:
        return []  # small children set no goals of their own
    return [g for g in MEMBER_GOALS if g[0] == member.role.value]


def demo_goals(family: Family, journey: Journey, seed: int) -> list[Goal]:
    """One to three goals of the family (not stored), dated within its journey."""
    if not journey.steps:
        return []
    rng = random.Random(f"ziele:{seed}:{family.code}")  # a stream of its own
    first, last = journey.steps[0].month, journey.steps[-1].month
    options: list[tuple[int | None, str, str, str]] = [
        (member.id, text, own, support)
        for member in family.members
        for _, text, own, support in _candidates(member)
    ]
    options += [(None, text, own, support) for text, own, support in FAMILY_GOALS]
    chosen = rng.sample(options, k=min(len(options), rng.choice((1, 2, 2, 3))))
    goals = []
    for member_id, text, own, support in chosen:
        set_on = _month_day(first, rng.randint(2, 26))
        status = _pick(rng, STATUSES)
        if rng.random() < 0.08:
            status = GoalStatus.VERWORFEN
        history = [GoalStatusChange(status=GoalStatus.OFFEN, on=set_on)]
        end = max(_month_day(last, 28), set_on)
        span = (end - set_on).days
        if status is not GoalStatus.OFFEN:
            working = set_on.fromordinal(set_on.toordinal() + rng.randint(0, span // 3))
            history.append(GoalStatusChange(status=GoalStatus.IN_ARBEIT, on=working))
            if status is not GoalStatus.IN_ARBEIT:
                done = working.fromordinal(
                    working.toordinal() + rng.randint(0, end.toordinal() - working.toordinal())
                )
                history.append(GoalStatusChange(status=status, on=done))
        steps = [
            s.id for s in journey.steps if s.id is not None and s.month >= set_on.isoformat()[:7]
        ]
        goals.append(
            Goal(
                family_id=family.id,
                member_id=member_id,
                text=text,
                own_part=own,
                support=support,
                set_by=_pick(rng, SETTERS),  # type: ignore[arg-type]
                set_on=set_on,
                status=status,
                history=history,
                step_ids=rng.sample(steps, k=min(len(steps), rng.randint(0, 2))),
            )
        )
    return goals
