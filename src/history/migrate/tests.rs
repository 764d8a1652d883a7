//! Unit tests of the migrations: every older format brought up to the newest, rows kept.

use super::*;

fn release_0_1_0() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(RELEASE_0_1_0).unwrap();
    conn.execute_batch(
        "INSERT INTO run VALUES (1, '2026-08', 1, '', 'import', 'h');
         INSERT INTO run VALUES (2, '2026-09', 1, '2026-09-25', 'run', 'h');
         INSERT INTO unit_result VALUES (1, 'A', 80.0, 1, 0, 0, '');
         INSERT INTO unit_result VALUES (2, 'A', 70.0, 2, 1, 2, 'tv_statement,inspection');
         INSERT INTO project_result VALUES (2, 'P2', 'A', 61.5, '[[\"invest\",41.5],[\"start\",20.0]]',
                                            1, 10.0, 1, '2026-03-01', 0, NULL);
         INSERT INTO project_result VALUES (2, 'P1', 'A', 30.0, '[]', 0, NULL, NULL, NULL, NULL, NULL);
         INSERT INTO finding VALUES (2, 'start', 'MetLate', 'P2', 'A', '2026-03-01', 3);
         INSERT INTO finding VALUES (2, 'proc', 'Overdue', 'P2 环评', 'A', '2026-04-01', 5);
         INSERT INTO finding VALUES (2, 'proc', 'NoDate', 'P1 环评', NULL, NULL, NULL);",
    )
    .unwrap();
    conn
}

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_empty_file_gets_every_table() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    assert_eq!(user_version(&conn).unwrap(), NEWEST);
    let tables = strings(
        &conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    for t in [
        "evaluation_class",
        "finding",
        "notice",
        "pending",
        "project_input",
        "project_note",
        "project_part",
        "project_result",
        "run",
        "task",
        "task_close",
        "task_feedback",
        "unit_evidence",
        "unit_penalty",
        "unit_result",
        "weekly_row",
        "weekly_run",
    ] {
        assert!(tables.iter().any(|x| x == t), "{t} missing: {tables:?}");
    }
}

#[test]
fn feedback_and_closures_take_the_key_of_the_task_they_name() {
    let mut conn = release_0_1_0();
    let tx = conn.transaction().unwrap();
    for m in &MIGRATIONS[..5] {
        (m.step)(&tx).unwrap();
    }
    tx.execute_batch(
        "INSERT INTO task VALUES ('N-1', '2026-09', 0, 'N', 1, '东湖镇', 'P1', 'start', 't',
                                  '一般问题', '2026-09-28', '2026-10-09', '2026-10-13', 0);
         INSERT INTO task VALUES ('N-2', '2026-09', 1, 'N', 2, '东湖镇', NULL, 'report', 't',
                                  '一般问题', '2026-09-28', '2026-10-09', '2026-10-13', 0);
         INSERT INTO task_feedback VALUES ('2026-10', 0, 'N-1', 'done', NULL, NULL, '', 'f');
         INSERT INTO task_close VALUES ('N-2', '2026-10-20', '已核实');
         INSERT INTO task_close VALUES ('N-9', '2026-10-21', '');",
    )
    .unwrap();
    tx.pragma_update(None, "user_version", 5).unwrap();
    tx.commit().unwrap();
    migrate(&mut conn).unwrap();
    assert_eq!(
        strings(&conn, "SELECT task_key FROM task_feedback"),
        ["东湖镇\u{1f}P1\u{1f}start"]
    );
    assert_eq!(
        strings(
            &conn,
            "SELECT task || '=' || task_key || '@' || closed_on || note FROM task_close ORDER BY task"
        ),
        [
            "N-2=东湖镇\u{1f}\u{1f}report@2026-10-20已核实",
            "N-9=@2026-10-21"
        ]
    );
}

#[test]
fn statuses_become_keys() {
    let mut conn = release_0_1_0();
    migrate(&mut conn).unwrap();
    assert_eq!(
        strings(&conn, "SELECT status FROM finding ORDER BY run, seq"),
        ["met_late", "overdue", "no_date"]
    );
    for s in strings(&conn, "SELECT status FROM finding") {
        assert!(Status::from_key(&s).is_some(), "{s}");
    }
}

#[test]
fn penalties_become_rows() {
    let mut conn = release_0_1_0();
    migrate(&mut conn).unwrap();
    assert_eq!(
        strings(
            &conn,
            "SELECT unit || ':' || run || ':' || seq || ':' || penalty FROM unit_penalty ORDER BY run, unit, seq"
        ),
        ["A:2:0:tv_statement", "A:2:1:inspection"]
    );
    let columns = strings(&conn, "SELECT name FROM pragma_table_info('unit_result')");
    assert!(!columns.iter().any(|c| c == "penalties"), "{columns:?}");
}

#[test]
fn score_parts_become_rows() {
    let mut conn = release_0_1_0();
    migrate(&mut conn).unwrap();
    assert_eq!(
        strings(
            &conn,
            "SELECT project || ':' || seq || ':' || part || ':' || score FROM project_part ORDER BY project, seq"
        ),
        ["P2:0:invest:41.5", "P2:1:start:20.0"]
    );
    let columns = strings(
        &conn,
        "SELECT name FROM pragma_table_info('project_result')",
    );
    assert!(!columns.iter().any(|c| c == "parts"), "{columns:?}");
}

#[test]
fn old_rows_keep_their_order_and_have_no_details() {
    let mut conn = release_0_1_0();
    migrate(&mut conn).unwrap();
    assert_eq!(
        strings(
            &conn,
            "SELECT seq || ':' || subject FROM finding WHERE run = 2 ORDER BY seq"
        ),
        ["0:P2", "1:P2 环评", "2:P1 环评"]
    );
    assert_eq!(
        strings(
            &conn,
            "SELECT seq || ':' || project FROM project_result ORDER BY seq"
        ),
        ["0:P2", "1:P1"]
    );
    let detailed: i64 = conn
        .query_row("SELECT SUM(detailed) FROM run", [], |r| r.get(0))
        .unwrap();
    assert_eq!(detailed, 0);
}

#[test]
fn migrating_again_changes_nothing() {
    let mut conn = release_0_1_0();
    migrate(&mut conn).unwrap();
    let before = strings(
        &conn,
        "SELECT COALESCE(sql, name) FROM sqlite_master ORDER BY name",
    );
    let changes = conn.total_changes();
    migrate(&mut conn).unwrap();
    assert_eq!(conn.total_changes(), changes);
    assert_eq!(
        strings(
            &conn,
            "SELECT COALESCE(sql, name) FROM sqlite_master ORDER BY name"
        ),
        before
    );
}

#[test]
fn a_newer_format_is_refused_and_left_alone() {
    let mut conn = release_0_1_0();
    conn.pragma_update(None, "user_version", NEWEST + 1)
        .unwrap();
    assert!(matches!(migrate(&mut conn), Err(MigrateError::TooNew(v)) if v == NEWEST + 1));
    assert_eq!(
        strings(&conn, "SELECT status FROM finding ORDER BY rowid"),
        ["MetLate", "Overdue", "NoDate"]
    );
}

#[test]
fn a_failing_step_leaves_the_version_where_it_was() {
    let mut conn = release_0_1_0();
    // A table the step creates already exists: migration 2 fails and rolls back.
    conn.execute_batch("CREATE TABLE unit_penalty (x)").unwrap();
    assert!(migrate(&mut conn).is_err());
    assert_eq!(user_version(&conn).unwrap(), 1);
    assert_eq!(
        strings(&conn, "SELECT status FROM finding ORDER BY rowid"),
        ["MetLate", "Overdue", "NoDate"]
    );
}

#[test]
fn counted_stages_of_format_7_are_kept_without_dates() {
    let mut conn = release_0_1_0();
    let tx = conn.transaction().unwrap();
    for m in &MIGRATIONS[..7] {
        (m.step)(&tx).unwrap();
    }
    tx.execute_batch(
        "UPDATE run SET stages = 1 WHERE id = 2;
         INSERT INTO stage_entry VALUES (2, 0, 'signed', NULL, '光学镜片项目');
         INSERT INTO stage_entry VALUES (2, 1, 'started', 'P2', '项目二');",
    )
    .unwrap();
    tx.pragma_update(None, "user_version", 7).unwrap();
    tx.commit().unwrap();
    migrate(&mut conn).unwrap();
    assert_eq!(user_version(&conn).unwrap(), NEWEST);
    assert_eq!(
        strings(
            &conn,
            "SELECT stage || ':' || name || ':' || COALESCE(unit, date, invest, since, '-')
             FROM stage_entry ORDER BY seq"
        ),
        ["signed:光学镜片项目:-", "started:项目二:-"]
    );
}
