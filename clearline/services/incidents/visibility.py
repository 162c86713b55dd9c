"""Who sees what of a case.

A case is its involved parties' business, and the mediator's once it is referred. An item of
evidence is seen by whoever saw the event when it happened (its ledger audience) and by whoever
its owner has shown it to since; nothing else. So a blind notice or track stays with its owner
until the owner shares it, and the mediator sees only what a party chose to show it: a referral
opens the case to it, not the evidence. In the review, each party's words in the questions are
its own to show in the same way; the findings, where each party stands on them, and the
mediator's comments are the case itself, read by its whole audience.
"""

from __future__ import annotations

from clearline.model.incident import EvidenceItem, Incident, Question


def audience(incident: Incident) -> list[str]:
    """The involved parties, and the mediators once referred."""
    referred = incident.referral.to if incident.referral else ()
    return sorted({*incident.parties, *referred})


def sees_case(incident: Incident, party: str) -> bool:
    return party in audience(incident)


def sees(incident: Incident, item: EvidenceItem, party: str) -> bool:
    """An involved party sees what it saw then and what was shown it; the mediator only what
    was shown it, even of events it was told of (as on the ledger, its reads are figures)."""
    shown = party in item.shared_with
    return shown or (party in incident.parties and party in item.audience)


def evidence_for(incident: Incident, items: list[EvidenceItem], party: str) -> list[EvidenceItem]:
    return [item for item in items if sees(incident, item, party)]


def view(incident: Incident, party: str, items: list[EvidenceItem]) -> Incident:
    """The case as ``party`` sees it: every account an involved party wrote, to involved
    parties; to a mediator, those shown to it; and only the tracks it sees evidence of."""
    involved = party in incident.parties
    narratives = {
        author: narrative
        for author, narrative in incident.narratives.items()
        if involved or party in narrative.shared_with
    }
    seen_tracks = {
        item.payload["track"]["id"]
        for item in items
        if item.type == "incident.evidence" and sees(incident, item, party)
    }
    tracks = tuple(t for t in incident.tracks if t in seen_tracks)
    questions = incident.questions if involved else _questions_shown(incident.questions, party)
    return incident.model_copy(
        update={"narratives": narratives, "tracks": tracks, "questions": questions}
    )


def show_question(question: Question, author: str, party: str) -> Question:
    """``author``'s words in the question (the question, or its answers) shown to ``party``."""

    def shown(words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({*words, party}))

    answers = tuple(
        a.model_copy(update={"shared_with": shown(a.shared_with)}) if a.by == author else a
        for a in question.answers
    )
    update: dict[str, object] = {"answers": answers}
    if question.by == author:
        update["shared_with"] = shown(question.shared_with)
    return question.model_copy(update=update)


def _questions_shown(questions: tuple[Question, ...], party: str) -> tuple[Question, ...]:
    """To a reader outside the case's parties: the words shown to it, in the questions that
    hold any."""
    seen = []
    for question in questions:
        answers = tuple(a for a in question.answers if party in a.shared_with)
        asked = party in question.shared_with
        if asked or answers:
            text = question.text if asked else None
            seen.append(question.model_copy(update={"text": text, "answers": answers}))
    return tuple(seen)
