"""Encryption at rest: no written text is stored readable, keys rotate, wrong keys fail loudly."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from cryptography.fernet import Fernet, MultiFernet
from flask.cli import ScriptInfo

from journey import create_app, crypto
from journey.cli import cli
from journey.crypto import EncryptedText, EncryptionKeyError, Keyring, UndecryptableText
from journey.extensions import db
from journey.models import (
    Answer,
    Appointment,
    BookChapter,
    BookPassage,
    Chat,
    ChatMessage,
    Feedback,
    FeedbackPart,
    IntervisionCase,
    IntervisionComment,
    IntervisionGroup,
    Letter,
    LetterKind,
    PracticeAttempt,
    PracticeComment,
    PracticePart,
    Proposal,
    Reaction,
    User,
    Visit,
    render_migration_item,
)

from .conftest import login

# Every column that holds a text a person wrote or a secret, as the models declare them.
COLUMNS = crypto.encrypted_columns(db.metadata)
# The columns the first data migration encrypted (the written texts of that time).
FIRST_ENCRYPTED = [
    ("answers", "text"),
    ("visits", "note"),
    ("letters", "body"),
    ("letters", "note"),
    ("feedback_parts", "text"),
]
BEFORE_ENCRYPTION = "315c3eb83186"  # the revision before the data migration


def test_the_encrypted_columns_come_from_the_models():
    assert set(FIRST_ENCRYPTED) < set(COLUMNS)
    assert {
        ("users", "totp_secret"),
        ("practice_parts", "text"),
        ("practice_comments", "passage"),
        ("practice_comments", "body"),
    } <= set(COLUMNS)


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach)


def raw_values(table: str, column: str) -> list[str | None]:
    """The values exactly as the database holds them (plain SQL, no column type); call in
    an app context."""
    query = sa.select(sa.column(column)).select_from(sa.table(table))
    return list(db.session.execute(query).scalars())


def raw(app, columns=COLUMNS) -> dict[tuple[str, str], list[str | None]]:
    with app.app_context():
        return {column: raw_values(*column) for column in columns}


def use_keys(app, *keys: str) -> None:
    """Give the running app other keys, as a restart with a new ENCRYPTION_KEYS would."""
    app.config["ENCRYPTION_KEYS"] = ",".join(keys)
    crypto.init_app(app)


def run(app, *args: str):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def write_every_kind_of_text(app, coachee, coach, now, text: str) -> None:
    """One value in each encrypted column (``COLUMNS``), written through the models; a
    test fails when the models gain an encrypted column that this does not fill."""
    with app.app_context():
        coachee, coach = db.session.get(User, coachee.id), db.session.get(User, coach.id)
        visit = Visit(
            coachee=coachee, place_id="veilige-haven", started_at=now, note=f"notitie {text}"
        )
        answer = Answer(visit=visit, question_id="thuis", text=f"antwoord {text}", updated_at=now)
        letter = Letter(
            coachee=coachee,
            coach=coach,
            kind=LetterKind.FREE,
            body=f"brief {text}",
            note=f"briefnotitie {text}",
            created_at=now,
            sent_at=now,
        )
        feedback = Feedback(letter=letter, coach=coach, frame_id="cirkel", started_at=now)
        part = FeedbackPart(
            feedback=feedback, key="s-openen", text=f"feedback {text}", updated_at=now
        )
        reaction = Reaction(
            feedback=feedback,
            key="end",
            kind="touches",
            line=f"reactie {text}",
            created_at=now,
            updated_at=now,
        )
        number = db.session.scalar(sa.select(sa.func.count(PracticeAttempt.id))) + 1
        attempt = PracticeAttempt(
            trainee=coach, sample_id="s", number=number, frame_id="cirkel", started_at=now
        )
        practice = PracticePart(
            attempt=attempt, key="s-openen", text=f"oefening {text}", updated_at=now
        )
        comment = PracticeComment(
            attempt=attempt, passage=f"passage {text}", body=f"opmerking {text}", created_at=now
        )
        coach.totp_secret = f"GEHEIM{text}"
        coachee.goal = f"doel {text}"
        proposal = Proposal(
            coachee=coachee,
            coach=coach,
            kind="place",
            place_id="veilige-haven",
            reason=f"reden {text}",
            created_at=now,
        )
        chapter = BookChapter(
            coachee_id=coachee.id,
            title=f"hoofdstuk {text}",
            text=f"inleiding {text}",
            created_at=now,
            updated_at=now,
        )
        passage = BookPassage(
            coachee_id=coachee.id,
            chapter=chapter,
            source="answer",
            author_name="x",
            text=f"passage {text}",
            marked_at=now,
        )
        db.session.add_all([visit, answer, letter, feedback, part, attempt, practice, comment])
        db.session.add(reaction)
        chat = Chat(kind="live", coach=coach, coachee=coachee, created_at=now)
        message = ChatMessage(
            chat=chat, client_id="c" * 12, author_name="x", body=f"bericht {text}", sent_at=now
        )
        appointment = Appointment(
            coach=coach,
            coachee=coachee,
            starts_at=now,
            ends_at=now,
            uid=f"{uuid.uuid4()}@journey",
            video_link=f"https://video.example.org/{text}",
            created_at=now,
            cancelled_at=now,  # (written twice by some tests: one booking per start)
            chat=chat,
        )
        group = IntervisionGroup(name="groep", created_at=now)
        case = IntervisionCase(
            group=group,
            coach_id=coach.id,
            coachee_id=coachee.id,
            question=f"vraag {text}",
            letter_text=f"casusbrief {text}",
            feedback_text=f"casusfeedback {text}",
            created_at=now,
        )
        remark = IntervisionComment(
            case=case,
            author_name="x",
            passage=f"casuspassage {text}",
            body=f"casusopmerking {text}",
            created_at=now,
        )
        db.session.add_all([proposal, chapter, passage, chat, message, appointment])
        db.session.add_all([group, case, remark])
        db.session.commit()


def test_no_written_text_or_secret_is_stored_readable(
    app, client, coach, coachee, world, frame, database_url, clock
):
    canary = f"kanarie-{uuid.uuid4()}"
    draft_place, sent_place = world.place("veilige-haven"), world.place("uitkijktoren")
    login(client, coachee)

    def one(query):
        with app.app_context():
            return db.session.scalar(query)

    # an answer draft and a note, autosaved
    client.get(f"/places/{draft_place.id}")
    visit_id = one(sa.select(Visit.id).where(Visit.place_id == draft_place.id))
    drafts = f"/visits/{visit_id}/drafts"
    question = draft_place.questions[0]
    saved = client.post(f"{drafts}/q-{question.id}", json={"text": f"antwoord {canary}"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert client.post(f"{drafts}/note", json={"text": f"notitie {canary}"}).status_code == 200

    # a sent place letter with its note
    client.get(f"/places/{sent_place.id}")
    sent_visit_id = one(sa.select(Visit.id).where(Visit.place_id == sent_place.id))
    sent_question = sent_place.questions[0]
    sent = client.post(
        f"/visits/{sent_visit_id}",
        data={
            "action": "send",
            f"q-{sent_question.id}": f"verstuurd {canary}",
            "note": f"briefnotitie {canary}",
            "mood": "6",
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    letter_id = one(sa.select(Letter.id).where(Letter.visit_id == sent_visit_id))

    # a free letter draft
    client.get("/letters/new")
    free_id = one(sa.select(Letter.id).where(Letter.kind == LetterKind.FREE))
    saved = client.post(f"/letters/{free_id}/drafts/body", json={"text": f"vrije brief {canary}"})
    assert saved.status_code == 200, saved.get_data(as_text=True)

    # the writer sees their texts
    place_page = client.get(f"/places/{draft_place.id}").get_data(as_text=True)
    assert f"antwoord {canary}" in place_page and f"notitie {canary}" in place_page
    assert f"vrije brief {canary}" in client.get("/letters/new").get_data(as_text=True)
    letter_page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert f"verstuurd {canary}" in letter_page and f"briefnotitie {canary}" in letter_page
    client.post("/logout")

    # the coach: a feedback section, a comment on an answer, a free letter to the coachee
    login(client, coach)
    feedback = f"/inbox/letters/{letter_id}/feedback"
    section = frame.sections[0]
    saved = client.post(f"{feedback}/s-{section.id}", json={"text": f"sectie {canary}"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    saved = client.post(f"{feedback}/c-{sent_question.id}", json={"text": f"opmerking {canary}"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    written = client.post(
        f"/inbox/coachees/{coachee.id}/letter", data={"body": f"coachbrief {canary}"}
    )
    assert written.status_code == 302, written.get_data(as_text=True)
    inbox_page = client.get(f"/inbox/letters/{letter_id}").get_data(as_text=True)
    assert f"sectie {canary}" in inbox_page and f"opmerking {canary}" in inbox_page
    client.post("/logout")
    # the columns no page of a coachee or coach fills (practice work, two-factor secrets)
    write_every_kind_of_text(app, coachee, coach, clock(), canary)

    # every column holds the canary, encrypted: never readable, always decryptable
    with app.app_context():
        ring = crypto.keyring()
    needle = canary.encode("utf-8")
    for (table, column), stored in raw(app).items():
        values = [value for value in stored if value is not None]
        assert values, (table, column)
        assert not any(canary in value for value in values), (table, column)
        assert any(canary in ring.decrypt(value) for value in values), (table, column)

    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        for connected in (True, False):
            if not connected:  # the last connection checkpoints the log into the file
                with app.app_context():
                    db.engine.dispose()
            stored = [file.read_bytes() for file in files if file.exists()]
            assert any(b"Reiziger" in content for content in stored)  # the scan sees plain text
            assert not any(needle in content for content in stored), connected


def test_empty_texts_are_stored_encrypted_too(app, coachee, clock):
    with app.app_context():
        user = db.session.get(User, coachee.id)
        visit = Visit(coachee=user, place_id="uitkijktoren", started_at=clock())  # note: ""
        db.session.add(Answer(visit=visit, question_id="leeg", text="", updated_at=clock()))
        db.session.commit()
        visit_id = visit.id
    with app.app_context():
        for table, column in [("visits", "note"), ("answers", "text")]:
            [value] = raw_values(table, column)
            assert value and crypto.keyring().decrypt(value) == ""
        assert db.session.get(Visit, visit_id).note == ""


def test_a_two_factor_secret_is_not_readable_in_the_database(app, make_user, database_url):
    coach = make_user("Coach Anna", "coach")  # make_user turns two-factor on for a coach
    with app.app_context():
        [stored] = [value for value in raw_values("users", "totp_secret") if value]
        assert coach.totp_secret not in stored
        assert crypto.keyring().decrypt(stored) == coach.totp_secret
        assert db.session.get(User, coach.id).totp_secret == coach.totp_secret
    if database_url.startswith("sqlite"):
        with app.app_context():  # no session open: the last connection puts the log in the file
            db.engine.dispose()
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        stored = [file.read_bytes() for file in files if file.exists()]
        assert any(b"Coach Anna" in content for content in stored)  # the scan sees plain text
        assert not any(coach.totp_secret.encode() in content for content in stored)


def test_rotate_key_rewrites_every_value_with_the_first_key(
    app, coachee, coach, clock, monkeypatch
):
    monkeypatch.setattr(crypto, "BATCH_SIZE", 2)  # several batches per table
    old, new = app.config["ENCRYPTION_KEYS"], Fernet.generate_key().decode()
    for number in range(3):
        write_every_kind_of_text(app, coachee, coach, clock(), f"tekst {number}")
    under_old = sum(1 for values in raw(app).values() for value in values if value is not None)
    # every column, the two-factor secret and the goal each in one row (they live on users)
    assert under_old >= 3 * (len(COLUMNS) - 2)

    use_keys(app, new, old)
    with app.app_context():
        visit = db.session.scalars(sa.select(Visit)).first()
        db.session.add(
            Answer(visit=visit, question_id="nieuw", text="al nieuw", updated_at=clock())
        )
        db.session.commit()  # written with the new key: nothing to rotate

    first = run(app, "rotate-key")
    assert first.exit_code == 0, first.output
    assert f"{under_old} value(s) re-encrypted" in first.output
    only_new = MultiFernet([Fernet(new)])
    for values in raw(app).values():
        for value in values:
            if value is not None:
                only_new.decrypt(value.encode())

    second = run(app, "rotate-key")
    assert second.exit_code == 0, second.output
    assert "0 value(s) re-encrypted" in second.output

    use_keys(app, new)  # the old key is gone
    with app.app_context():
        texts = sorted(db.session.scalars(sa.select(Answer.text)))
        assert texts == ["al nieuw", "antwoord tekst 0", "antwoord tekst 1", "antwoord tekst 2"]
        assert len(db.session.scalars(sa.select(PracticeComment.body)).all()) == 3
        assert db.session.get(User, coach.id).totp_secret == "GEHEIMtekst 2"


def test_rotate_key_changes_nothing_when_a_value_cannot_be_decrypted(app, coachee, coach, clock):
    write_every_kind_of_text(app, coachee, coach, clock(), "geheim")
    before = raw(app)

    use_keys(app, Fernet.generate_key().decode())  # the old key was dropped too soon
    result = run(app, "rotate-key")
    assert result.exit_code == 1
    assert "cannot be decrypted with any key in ENCRYPTION_KEYS" in result.output
    assert "row 1" in result.output and "Nothing was changed" in result.output
    assert raw(app) == before


def test_a_wrong_key_gives_a_clear_error(app, coachee, coach, clock):
    write_every_kind_of_text(app, coachee, coach, clock(), "geheim")
    use_keys(app, Fernet.generate_key().decode())
    with app.app_context():
        with pytest.raises(UndecryptableText, match="cannot be decrypted with any key in ENC"):
            db.session.scalars(sa.select(Answer)).all()
        db.session.rollback()


def test_unusable_keys_stop_the_app_with_a_clear_error():
    with pytest.raises(EncryptionKeyError, match="ENCRYPTION_KEYS is empty"):
        create_app({"TESTING": True, "ENCRYPTION_KEYS": " , "})
    good = Fernet.generate_key().decode()
    with pytest.raises(EncryptionKeyError, match="key 2 of 2 is not a valid Fernet key") as caught:
        Keyring.from_config(f"{good},niet-een-sleutel")
    assert "niet-een-sleutel" not in str(caught.value)
    assert (
        Keyring.from_config([good.encode()]).decrypt(Keyring.from_config(good).encrypt("é")) == "é"
    )


def test_migrations_write_encrypted_text_as_plain_text():
    assert render_migration_item("type", EncryptedText(), None) == "sa.Text()"


def test_the_migration_encrypts_plain_texts_and_the_downgrade_decrypts(app, coachee, coach, clock):
    canary = f"kanarie-{uuid.uuid4()}"
    write_every_kind_of_text(app, coachee, coach, clock(), canary)
    with app.app_context():
        visit_id = db.session.scalar(sa.select(Visit.id))
    with app.app_context():
        _migrate_down_and_up(app, canary, visit_id, clock)


def _migrate_down_and_up(app, canary: str, visit_id: int, clock) -> None:
    """Downgrade to before encryption, add plain rows, upgrade: in one app context, with
    no session transaction open while a migration runs."""
    flask_migrate.downgrade(revision=BEFORE_ENCRYPTION)
    for table, column in FIRST_ENCRYPTED:  # the downgrade left the texts readable
        assert any(canary in value for value in raw_values(table, column)), (table, column)
    db.session.remove()
    answers = sa.table(
        "answers",
        sa.column("visit_id"),
        sa.column("question_id"),
        sa.column("text"),
        sa.column("version"),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    for question, text in (("ouder", f"van vroeger {canary}"), ("leeg", "")):
        db.session.execute(
            sa.insert(answers).values(
                visit_id=visit_id, question_id=question, text=text, version=1, updated_at=clock()
            )
        )
    db.session.commit()
    db.session.remove()

    flask_migrate.upgrade()
    for table, column in FIRST_ENCRYPTED:
        values = raw_values(table, column)
        assert values and all(values), (table, column)  # empty texts are encrypted too
        assert not any(canary in value for value in values), (table, column)
        assert all(crypto.keyring().decrypt(value) is not None for value in values)
    texts = dict(db.session.execute(sa.select(Answer.question_id, Answer.text)).all())
    assert texts == {
        "thuis": f"antwoord {canary}",
        "ouder": f"van vroeger {canary}",
        "leeg": "",
    }
    assert db.session.scalar(sa.select(Letter.body)) == f"brief {canary}"
    db.session.remove()


def test_no_backup_holds_a_written_text_readable(
    app, coachee, coach, clock, database_url, tmp_path
):
    canary = f"kanarie-{uuid.uuid4()}"
    write_every_kind_of_text(app, coachee, coach, clock(), canary)
    pseudonym = coachee.pseudonym.encode()
    target = tmp_path / "journey.backup"
    result = run(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    if database_url.startswith("sqlite"):
        content = target.read_bytes()
        assert pseudonym in content  # the file is a real, readable copy
    else:  # a custom-format dump is compressed: read it back as SQL
        pg_restore = shutil.which("pg_restore")
        assert pg_restore, "pg_restore (postgresql-client) is needed"
        dump = [pg_restore, "--file=-", str(target)]
        content = subprocess.run(dump, capture_output=True, check=True).stdout  # noqa: S603
        assert pseudonym in content
    assert canary.encode() not in content
