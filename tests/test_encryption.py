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
    Feedback,
    FeedbackPart,
    Letter,
    LetterKind,
    Visit,
    render_migration_item,
)

from .conftest import login

# every column that holds a text a person wrote
COLUMNS = [
    ("answers", "text"),
    ("visits", "note"),
    ("letters", "body"),
    ("letters", "note"),
    ("feedback_parts", "text"),
]
BEFORE_ENCRYPTION = "315c3eb83186"  # the revision before the data migration


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach)


def raw_values(table: str, column: str) -> list[str | None]:
    """The values exactly as the database holds them (plain SQL, no column type)."""
    query = sa.select(sa.column(column)).select_from(sa.table(table))
    return list(db.session.execute(query).scalars())


def use_keys(app, *keys: str) -> None:
    """Give the running app other keys, as a restart with a new ENCRYPTION_KEYS would."""
    app.config["ENCRYPTION_KEYS"] = ",".join(keys)
    crypto.init_app(app)
    db.session.expire_all()


def run(app, *args: str):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def write_every_kind_of_text(coachee, coach, now, text: str) -> None:
    """One value in each encrypted column, written through the models."""
    visit = Visit(coachee=coachee, place_id="veilige-haven", started_at=now, note=f"notitie {text}")
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
    part = FeedbackPart(feedback=feedback, key="s-openen", text=f"feedback {text}", updated_at=now)
    db.session.add_all([visit, answer, letter, feedback, part])
    db.session.commit()


def test_no_written_text_is_stored_readable(
    app, client, coach, coachee, world, frame, database_url
):
    canary = f"kanarie-{uuid.uuid4()}"
    draft_place, sent_place = world.place("veilige-haven"), world.place("uitkijktoren")
    login(client, coachee)

    # an answer draft and a note, autosaved
    client.get(f"/places/{draft_place.id}")
    visit_id = db.session.scalar(sa.select(Visit.id).where(Visit.place_id == draft_place.id))
    drafts = f"/visits/{visit_id}/drafts"
    question = draft_place.questions[0]
    saved = client.post(f"{drafts}/q-{question.id}", json={"text": f"antwoord {canary}"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert client.post(f"{drafts}/note", json={"text": f"notitie {canary}"}).status_code == 200

    # a sent place letter with its note
    client.get(f"/places/{sent_place.id}")
    sent_visit_id = db.session.scalar(sa.select(Visit.id).where(Visit.place_id == sent_place.id))
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
    letter_id = db.session.scalar(sa.select(Letter.id).where(Letter.visit_id == sent_visit_id))

    # a free letter draft
    client.get("/letters/new")
    free_id = db.session.scalar(sa.select(Letter.id).where(Letter.kind == LetterKind.FREE))
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
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ()  # two-factor login is tested elsewhere
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
    db.session.commit()

    # every column holds the canary, encrypted: never readable, always decryptable
    ring, needle = crypto.keyring(), canary.encode("utf-8")
    for table, column in COLUMNS:
        values = [value for value in raw_values(table, column) if value is not None]
        assert values, (table, column)
        assert not any(canary in value for value in values), (table, column)
        assert any(canary in ring.decrypt(value) for value in values), (table, column)
    db.session.commit()

    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        for connected in (True, False):
            if not connected:  # the last connection checkpoints the log into the file
                db.session.remove()
                db.engine.dispose()
            stored = [file.read_bytes() for file in files if file.exists()]
            assert any(b"Reiziger" in content for content in stored)  # the scan sees plain text
            assert not any(needle in content for content in stored), connected


def test_empty_texts_are_stored_encrypted_too(app, coachee, clock):
    visit = Visit(coachee=coachee, place_id="uitkijktoren", started_at=clock())  # note: default ""
    db.session.add(Answer(visit=visit, question_id="leeg", text="", updated_at=clock()))
    db.session.commit()
    for table, column in [("visits", "note"), ("answers", "text")]:
        [value] = raw_values(table, column)
        assert value and crypto.keyring().decrypt(value) == ""
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).note == ""


def test_rotate_key_rewrites_every_value_with_the_first_key(
    app, coachee, coach, clock, monkeypatch
):
    monkeypatch.setattr(crypto, "BATCH_SIZE", 2)  # several batches per table
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    use_keys(app, old)
    for number in range(3):
        write_every_kind_of_text(coachee, coach, clock(), f"tekst {number}")

    use_keys(app, new, old)
    visit = db.session.scalars(sa.select(Visit)).first()
    db.session.add(Answer(visit=visit, question_id="nieuw", text="al nieuw", updated_at=clock()))
    db.session.commit()  # written with the new key: nothing to rotate

    first = run(app, "rotate-key")
    assert first.exit_code == 0, first.output
    assert "15 value(s) re-encrypted" in first.output
    only_new = MultiFernet([Fernet(new)])
    for table, column in COLUMNS:
        for value in raw_values(table, column):
            only_new.decrypt(value.encode())
    db.session.commit()

    second = run(app, "rotate-key")
    assert second.exit_code == 0, second.output
    assert "0 value(s) re-encrypted" in second.output

    use_keys(app, new)  # the old key is gone
    texts = sorted(db.session.scalars(sa.select(Answer.text)))
    assert texts == ["al nieuw", "antwoord tekst 0", "antwoord tekst 1", "antwoord tekst 2"]
    assert len(db.session.scalars(sa.select(FeedbackPart.text)).all()) == 3


def test_rotate_key_changes_nothing_when_a_value_cannot_be_decrypted(app, coachee, coach, clock):
    old = Fernet.generate_key().decode()
    use_keys(app, old)
    write_every_kind_of_text(coachee, coach, clock(), "geheim")
    before = {column: raw_values(*column) for column in COLUMNS}
    db.session.commit()

    use_keys(app, Fernet.generate_key().decode())  # the old key was dropped too soon
    result = run(app, "rotate-key")
    assert result.exit_code == 1
    assert "cannot be decrypted with any key in ENCRYPTION_KEYS" in result.output
    assert "row 1" in result.output and "Nothing was changed" in result.output
    assert {column: raw_values(*column) for column in COLUMNS} == before


def test_a_wrong_key_gives_a_clear_error(app, coachee, coach, clock):
    write_every_kind_of_text(coachee, coach, clock(), "geheim")
    use_keys(app, Fernet.generate_key().decode())
    with pytest.raises(UndecryptableText, match="cannot be decrypted with any key in ENCRYPTI"):
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
    write_every_kind_of_text(coachee, coach, clock(), canary)
    visit_id = db.session.scalar(sa.select(Visit.id))
    db.session.remove()

    flask_migrate.downgrade(revision=BEFORE_ENCRYPTION)
    for table, column in COLUMNS:  # the downgrade left the texts readable
        assert any(canary in value for value in raw_values(table, column)), (table, column)
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
    for table, column in COLUMNS:
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


def test_no_backup_holds_a_written_text_readable(
    app, coachee, coach, clock, database_url, tmp_path
):
    canary = f"kanarie-{uuid.uuid4()}"
    write_every_kind_of_text(coachee, coach, clock(), canary)
    pseudonym = coachee.pseudonym.encode()  # read now: the command ends this session
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
