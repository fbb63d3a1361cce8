"""Embeddings are written when the transaction commits, after every text of it was embedded: on SQLite
the first write takes the one write lock until the commit, and a job worker that wrote each vector as
soon as it was embedded held that lock through the embedding of every later text (issue 20)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import event, func, select

from matchmaker.engine.encoder import HashingEncoder
from matchmaker.extensions import db
from matchmaker.matching.embeddings import StoredEmbeddings
from matchmaker.models import Embedding

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


class WatchedEncoder(HashingEncoder):
    """Records, at each encode, how many rows this transaction had written to ``embeddings`` by then."""

    def __init__(self, written: list[int]) -> None:
        super().__init__()
        self.written, self.seen, self.texts = written, [], []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.seen.append(self.written[0])
        self.texts += list(texts)
        return super().encode(texts)


@pytest.fixture
def watched(app):
    written = [0]

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("INSERT INTO EMBEDDINGS"):
            written[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    yield WatchedEncoder(written)
    event.remove(db.engine, "before_cursor_execute", count)


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Embedding)) or 0


def test_nothing_is_written_while_texts_of_the_transaction_are_embedded(app, watched):
    encoder = StoredEmbeddings(watched, db.session)
    first = encoder.encode(["Battery storage for solar farms."])
    second = encoder.encode(["Grid pilots.", "Battery storage for solar farms."])
    assert watched.seen == [0, 0]  # no write before or between the embeddings
    assert watched.texts == ["Battery storage for solar farms.", "Grid pilots."]  # each text once
    np.testing.assert_array_equal(first[0], second[1])
    assert watched.written[0] == 0
    db.session.commit()
    assert watched.written[0] == 1 and stored() == 2  # one write, at the commit


def test_a_rolled_back_transaction_writes_no_embedding_and_a_new_one_embeds_again(app, watched):
    encoder = StoredEmbeddings(watched, db.session)
    encoder.encode(["Battery storage for solar farms."])
    db.session.rollback()
    db.session.commit()
    assert stored() == 0
    StoredEmbeddings(watched, db.session).encode(["Battery storage for solar farms."])
    db.session.commit()
    assert stored() == 1 and len(watched.texts) == 2


def test_a_stored_embedding_is_read_back_not_embedded_again(app, watched):
    StoredEmbeddings(watched, db.session).encode(["Grid pilots."])
    db.session.commit()
    vectors = StoredEmbeddings(watched, db.session).encode(["Grid pilots."])
    assert watched.texts == ["Grid pilots."] and vectors.shape[0] == 1
