"""The circles role guides (coach, note-taker, feedback, method) become the library's first
resources, editable per instance. Idempotent: a slug that already exists is left alone."""

from django.db import migrations

COACH = """Coaching is personal support for setting and reaching goals. As coach you help the coachee think; you do not solve their problem for them. The answers they find themselves are the ones they act on.

## Ask instead of telling

- **Open questions** start with *what*, *how*, *who*, *when*: “What happened then?” rather than “Did you talk to your manager?”.
- **One question at a time**, then wait. Silence is thinking time, not a gap to fill.
- **Ask for examples**: “Can you give me a specific example from last week?” Specifics turn a vague worry into something to work on.
- **Reflect back**: “So what I hear is … — is that right?” It shows you listened and lets the coachee correct you.
- **Hold back advice.** If you have an idea, offer it late and lightly, as a question: “Would it help to …?” The coachee decides.
- **Keep to the steps**: issue, outcome, obstacles, brainstorm, agreement. Step 2 pictures the outcome — note ideas, do not solve yet.
- **Close with a commitment**: “What will you do, by when? How will we know next time?”

## Useful questions by step

### 1. The current issue

- What is happening, concretely? Can you give an example from this week?
- What background do we need to understand it?
- Why does it matter to you now?

### 2. The desired outcome

- Imagine it is solved: what do you see, hear, do differently?
- How would you know you got there?
- (Note ideas that come up; do not solve yet.)

### 3. The obstacles

- What stops you today?
- What is in your hands: skills, knowledge, motivation, attitude?
- Who else is involved, and how?
- What about resources and deadlines?

### 4. Brainstorm

- What could you try? What else?
- Which block, if removed, would help most?
- Who could help?

### 5. Agree

- Which option will you take?
- What exactly will you do, and by when?
- How will we know at the next session?

## What to avoid

- Telling your own story at length.
- “Why didn't you …?” — it sounds like blame; ask “What got in the way?”.
- Leaving without an agreed next step.
"""

NOTE_TAKER = """The note-taker gives the coachee a memory of the conversation and the circle a way to follow up. Good notes are short, in the coachee's words, and end with clear actions.

## Taking useful notes

- **Use the form's steps.** Each field matches a step of the method; write under the step you are in.
- **Their words, not your interpretation.** Quote short phrases the coachee uses; do not judge.
- **Examples matter.** Write down the specific examples in step 1 and the picture of success in step 2.
- **Sort the obstacles** into the three groups: in the coachee (skill or knowledge, motivation, attitude), in others, in the situation (resources, deadlines).
- **Ideas from step 2 go in “ideas noted”** so they are not lost, and are not solved early.
- **Actions need an owner and a date.** “Ask Sam for the budget figures by Friday” — not “look into budget”. Each action becomes its owner's action item and is reviewed at the start of the next session.
- **Read the actions back** before the block ends, so the coachee agrees with the wording.
- **Keep time.** The agenda shows suggested minutes per step; a gentle “five minutes left for this step” helps everybody.

Notes are visible to your circle only — not to organisers, not to site admins. The coachee can edit their block afterwards.
"""

FEEDBACK = """Feedback helps when it is **specific** and **timely**. At the end of each session, take five minutes: the coachee tells the coach what helped, and the coach and note-taker say what they noticed.

## Specific

- Describe what happened, not the person: “When you asked ‘what would success look like?’, I suddenly saw the real goal” rather than “You're a great coach”.
- Say the effect it had on you: “… and that made me relax”, “… I felt rushed”.
- Offer one thing to try next time, as a suggestion: “Next time, could you wait a little longer after a question?”

## Timely

- Give it the same day, while everybody remembers the moment.
- Small and often beats a long review once a season.

## Receiving feedback

- Listen, ask for an example if unclear, and thank the person. You decide what to do with it.
"""

METHOD = """Every session has three blocks. In each block one member is **coachee**, one is **coach** and one is **note-taker**; the roles rotate so that everyone is coachee once per session. Each block follows the same five steps (suggested minutes for a 30-minute block):

1. **The current issue** (4 min) — The coachee describes the issue with specific examples and a little background.
2. **The desired outcome** (4 min) — Picture, as specifically as possible, how things would be if it were sorted out. Ideas are noted, not solved.
3. **The obstacles** (8 min) — List everything between the issue and the outcome, sorted into three groups: in the coachee (skill or knowledge, motivation, attitude), in others, in the situation (resources, deadlines).
4. **Brainstorm** (10 min) — Together, find ways around the blocks and possible next steps.
5. **Agree** (4 min) — The coachee chooses an approach, actions with an owner and a due date, and timing.

Each session opens by reviewing the actions agreed last time: done, in progress, or dropped.

In a circle of four, or when someone is absent, roles go to whoever has served them least this season; the session page says who does what.
"""

GUIDES = [
    (
        "coach",
        "Coach: ask instead of telling",
        "How to coach in a circle: open questions, one at a time, no advice too early.",
        COACH,
        "coaching,coach,questions,listening,peer-coaching",
    ),
    (
        "note-taker",
        "Note-taker: take useful notes",
        "Short notes in the coachee's words, ending with actions that have an owner and a date.",
        NOTE_TAKER,
        "note-taking,notes,actions,peer-coaching",
    ),
    (
        "feedback",
        "Giving feedback that is specific and timely",
        "Five minutes at the end of each session: what helped, what to try next time.",
        FEEDBACK,
        "feedback,giving-feedback,receiving-feedback,peer-coaching",
    ),
    (
        "method",
        "The session method, step by step",
        "Three blocks per session, five steps per block, rotating roles.",
        METHOD,
        "method,sessions,peer-coaching,coaching",
    ),
]


def seed(apps, schema_editor):
    Resource = apps.get_model("resources", "Resource")
    for slug, title, summary, body, tags in GUIDES:
        if Resource.objects.filter(slug=slug).exists():
            continue
        Resource.objects.create(
            slug=slug,
            title=title,
            summary=summary,
            body_md=body,
            tags=tags,
            kind="guide",
            audience="everyone",
            kinds_served=["circle"],
            is_published=True,
        )


def unseed(apps, schema_editor):
    Resource = apps.get_model("resources", "Resource")
    Resource.objects.filter(slug__in=[g[0] for g in GUIDES], author__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
