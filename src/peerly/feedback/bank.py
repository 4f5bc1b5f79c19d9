"""The built-in question bank and the fixed questionnaires (after a session, NPS, exit).

A bank question is copied into a survey (with its `code`), so editing the bank never changes
a survey that was already sent. The metrics find their answers by code: "useful" (the
after-session 1–5 usefulness) and "nps" (0–10 recommend).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from peerly.feedback.models import QuestionType

USEFUL = "useful"
HELPED = "helped"
CHANGE = "change"
NPS = "nps"
NPS_WHY = "nps_why"
EXIT_REASON = "exit_reason"
EXIT_TEXT = "exit_text"


@dataclass(frozen=True)
class BankQuestion:
    code: str
    type: str
    text: object  # a lazy translation
    choices: tuple[tuple[str, object], ...] = ()
    required: bool = False

    def as_fields(self) -> dict[str, object]:
        return {
            "code": self.code,
            "type": self.type,
            "text": str(self.text),
            "choices": [[code, str(label)] for code, label in self.choices],
            "required": self.required,
        }


AGREE = QuestionType.SCALE  # 1 = not at all, 5 = very much

AFTER_SESSION = (
    BankQuestion(
        USEFUL, QuestionType.SCALE, gettext_lazy("How useful was it for you?"), required=True
    ),
    BankQuestion(HELPED, QuestionType.TEXT, gettext_lazy("One thing that helped")),
    BankQuestion(CHANGE, QuestionType.TEXT, gettext_lazy("One thing to change next time")),
)

NPS_QUESTIONS = (
    BankQuestion(
        NPS,
        QuestionType.NPS,
        gettext_lazy("How likely are you to recommend this programme to a colleague?"),
        required=True,
    ),
    BankQuestion(
        NPS_WHY, QuestionType.TEXT, gettext_lazy("What is the main reason for your score?")
    ),
)

EXIT_REASONS: tuple[tuple[str, object], ...] = (
    ("no_time", gettext_lazy("I do not have the time at the moment")),
    ("not_useful", gettext_lazy("It was not useful enough for me")),
    ("matches", gettext_lazy("The people I was matched with did not work out")),
    ("goal_reached", gettext_lazy("I got what I came for")),
    ("format", gettext_lazy("The format or schedule does not suit me")),
    ("other", gettext_lazy("Another reason")),
)

EXIT = (
    BankQuestion(
        EXIT_REASON, QuestionType.CHOICE, gettext_lazy("Why are you leaving?"), EXIT_REASONS
    ),
    BankQuestion(EXIT_TEXT, QuestionType.TEXT, gettext_lazy("Anything you would like to add")),
)

# what an organiser picks from when building a pulse survey
PULSE_BANK = (
    BankQuestion("pulse_value", AGREE, gettext_lazy("The programme is worth the time I give it")),
    BankQuestion("pulse_belong", AGREE, gettext_lazy("I feel I belong in this programme")),
    BankQuestion(
        "pulse_progress", AGREE, gettext_lazy("I am making progress on what matters to me")
    ),
    BankQuestion(
        "pulse_safe", AGREE, gettext_lazy("I can speak openly with the people I meet here")
    ),
    BankQuestion(
        "pulse_cadence",
        QuestionType.CHOICE,
        gettext_lazy("How often would you like to meet?"),
        (
            ("more", gettext_lazy("More often")),
            ("same", gettext_lazy("As now")),
            ("less", gettext_lazy("Less often")),
        ),
    ),
    BankQuestion("pulse_better", QuestionType.TEXT, gettext_lazy("What would make it better?")),
    *NPS_QUESTIONS[:1],
)

BY_CODE = {q.code: q for q in (*AFTER_SESSION, *NPS_QUESTIONS, *EXIT, *PULSE_BANK)}


def pulse_choices() -> list[tuple[str, str]]:
    return [(q.code, str(q.text)) for q in PULSE_BANK]
