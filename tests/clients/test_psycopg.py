"""psycopg 3, as Superset, Jupyter notebooks and Python services use it."""
import psycopg
import pytest
from psycopg import errors

SEED = "SELECT * FROM (VALUES (10), (9), (3), (7), (NULL)) AS t(score)"
# nps: 2 promoters, 1 detractor, 4 answers -> 25. csat over score % 5 + 1 = (1, 5, 4, 3): 50.
# ces over score % 7 + 1 = (4, 3, 4, 1): 3.0. csat(score, 8, 10): 2 of 4 = 50.
# ces(score % 5 + 1, 5) over (1, 5, 4, 3): 3.25.
KPIS = f"""
    SELECT nps(score), csat(score %% 5 + 1), ces(score %% 7 + 1), csat(score, 8, 10),
           ces(score %% 5 + 1, 5), responses(survey_agg(score)), survey_agg(score)
    FROM ({SEED}) AS s WHERE score IS NULL OR score >= %s
"""
EXPECTED = (25.0, 50.0, 3.0, 50.0, 3.25, 4)
SUMMARY_TEXT = '{"version":1,"counts":[0,0,0,1,0,0,0,1,0,1,1]}'


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("prepare", [False, True], ids=["simple", "prepared"])
def test_kpis_arrive_as_numbers(conn, binary, prepare):
    for _ in range(6):  # past psycopg's prepare threshold, so prepared runs really are prepared
        with conn.cursor(binary=binary) as cur:
            cur.execute(KPIS, (0,), prepare=prepare)
            row = cur.fetchone()
            assert row[:6] == EXPECTED
            assert all(isinstance(v, float) for v in row[:5])
            assert isinstance(row[5], int)
            types = [d.type_code for d in cur.description]
            assert types[:6] == [701, 701, 701, 701, 701, 20]  # float8 x5, int8
            # An extension type reaches the client as its text, or its binary form with the
            # version byte first: no client has to know the type to fetch it.
            if binary:
                assert row[6][0] == 1 and len(row[6]) == 89
            else:
                assert row[6] == SUMMARY_TEXT


def test_summary_round_trips_as_a_parameter(conn):
    got = conn.execute(
        "SELECT nps(%s::survey_summary), responses(%s::survey_summary)",
        (SUMMARY_TEXT, SUMMARY_TEXT),
    ).fetchone()
    assert got == (25.0, 4)


def test_binary_summary_written_back_with_copy(conn):
    conn.execute("CREATE TEMP TABLE copy_target (s survey_summary)")
    with conn.cursor(binary=True) as cur:
        original = cur.execute(f"SELECT survey_agg(score) FROM ({SEED}) AS s").fetchone()[0]
    with conn.cursor() as cur:
        # The bytes go out as they came in; the server reads them with survey_summary_recv.
        with cur.copy("COPY copy_target (s) FROM STDIN (FORMAT binary)") as copy:
            copy.write_row([original])
    assert conn.execute("SELECT s::text FROM copy_target").fetchone()[0] == SUMMARY_TEXT


@pytest.mark.parametrize("prepare", [False, True])
def test_bad_score_is_22003_with_detail_and_hint(conn, prepare):
    with pytest.raises(errors.NumericValueOutOfRange) as caught:
        conn.execute("SELECT nps(s) FROM (VALUES (9), (%s)) AS t(s)", (11,), prepare=prepare)
    diag = caught.value.diag
    assert diag.sqlstate == "22003"
    assert diag.message_primary == "nps score 11 is out of range"
    assert diag.message_detail == "Answers to nps are whole numbers from 0 to 10."
    assert diag.message_hint


def test_parameter_errors_are_22023(conn):
    with pytest.raises(errors.InvalidParameterValue) as caught:
        conn.execute("SELECT csat(s, 11, 10) FROM (VALUES (9)) AS t(s)")
    assert caught.value.diag.message_primary == "csat satisfied_min 11 is out of range"
    with pytest.raises(errors.InvalidParameterValue):
        conn.execute("SELECT nps_margin(survey_agg(s), 1.5) FROM (VALUES (9), (1)) AS t(s)")


def test_bad_text_is_22p02(conn):
    with pytest.raises(errors.InvalidTextRepresentation) as caught:
        conn.execute("SELECT %s::survey_summary", ("{}",))
    assert "survey_summary" in caught.value.diag.message_primary


def test_margin_and_rollup_on_demo_data(conn):
    rows = conn.execute("""
        SELECT date_trunc('month', answered_at) AS m, nps(score), nps_margin(survey_agg(score))
        FROM survey_answers WHERE survey = 'nps' GROUP BY 1 ORDER BY 1""").fetchall()
    assert len(rows) == 12
    for _, nps, margin in rows:
        assert -100 <= nps <= 100 and 0 < margin < 20
    rolled = conn.execute("SELECT nps(rollup(summary)) FROM daily_nps").fetchone()[0]
    direct = conn.execute("SELECT nps(score) FROM survey_answers WHERE survey = 'nps'").fetchone()[0]
    assert rolled == pytest.approx(direct, abs=1e-12)
