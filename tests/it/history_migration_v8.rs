//! History format 8 (`stage_entry` keeps each counted project's unit, date, 总投资 and first
//! month) from format 7: an old history migrates and carries on giving what it gave.

use crate::history_migration::{files, import_and_september, october, user_version};

/// September recorded by this binary, then taken back to format 7 (the columns format 8 added to
/// `stage_entry` dropped), as the release before left it: October carried on from it is, file
/// for file, October carried on from the format-8 history; the file is at format 8 after, the
/// rows recorded before keep no dates, October's have them.
#[test]
fn a_history_of_format_7_migrates_and_october_is_the_same() {
    let (old, new) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let october = |out: &str| october(out).replace(out, "OUT");
    let (old_out, new_out) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());
    import_and_september(old_out);
    import_and_september(new_out);
    let path = old.path().join("history.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "ALTER TABLE stage_entry DROP COLUMN unit;
             ALTER TABLE stage_entry DROP COLUMN date;
             ALTER TABLE stage_entry DROP COLUMN invest;
             ALTER TABLE stage_entry DROP COLUMN since;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    assert_eq!(october(old_out), october(new_out));
    assert_eq!(user_version(&path), 8);
    assert_eq!(files(old.path()), files(new.path()));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let undated = |month: &str| -> (i64, i64) {
        conn.query_row(
            "SELECT COUNT(*), SUM(s.date IS NULL) FROM stage_entry s JOIN run r ON r.id = s.run
             WHERE r.month = ?1",
            [month],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (september_rows, september_undated) = undated("2026-09");
    assert!(september_rows > 0);
    assert_eq!(september_undated, september_rows);
    assert_eq!(undated("2026-10").1, 0);
}
