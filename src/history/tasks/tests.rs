//! Feedback and 销号 follow the matter they answered, not the id a re-run gives to another.

use super::super::History;
use super::MovedTask;
use crate::engine::Month;
use crate::engine::supervision::{Feedback, Task};
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn task(index: u32, project: &str, matter: &str) -> Task {
    Task {
        id: format!("N1-{index}"),
        month: "2026-09".into(),
        notice: "N1".into(),
        index,
        unit: "东湖镇".into(),
        project: Some(project.into()),
        matter: matter.into(),
        text: format!("{project} {matter}"),
        timing: "一般问题".into(),
        issued: day("2026-09-28"),
        feedback_due: day("2026-10-09"),
        rectify_due: day("2026-10-13"),
        provisional: false,
    }
}

fn done(id: &str) -> Feedback {
    Feedback {
        task: id.into(),
        status: "done".into(),
        date: Some(day("2026-10-09")),
        filed: Some(day("2026-10-09")),
        note: String::new(),
        source: "东湖镇.xlsx!整改反馈表!A5".into(),
    }
}

fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn record(h: &mut History, m: &str, tasks: &[Task], feedback: &[Feedback]) -> Vec<MovedTask> {
    let tx = h.conn.transaction().unwrap();
    let moved = History::insert_tasks(&tx, month(m), tasks, feedback).unwrap();
    tx.commit().unwrap();
    moved
}

fn answered(h: &History) -> (Vec<String>, Vec<String>) {
    let feedback = h.feedback_until("2026-12").unwrap();
    let closed = h.closures().unwrap();
    (
        feedback.into_iter().map(|f| f.task).collect(),
        closed.into_keys().collect(),
    )
}

#[test]
fn a_rerun_giving_an_answered_id_to_another_matter_does_not_carry_the_answer_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = History::open(&dir.path().join("history.sqlite")).unwrap();
    let (start, invest) = (task(1, "P1", "start"), task(2, "P2", "invest"));
    assert!(record(&mut h, "2026-09", &[start.clone(), invest.clone()], &[]).is_empty());
    // October's run reads 东湖镇's answer on N1-1; the office closes N1-2.
    record(&mut h, "2026-10", &[], &[done("N1-1")]);
    assert!(
        h.close_tasks(&["N1-2".into()], day("2026-10-20"), "")
            .unwrap()
            .is_empty()
    );
    assert_eq!(answered(&h), (vec!["N1-1".into()], vec!["N1-2".into()]));

    // September again, P1 now started: P2's matter is item 1, and there is no item 2.
    let moved = record(&mut h, "2026-09", &[task(1, "P2", "invest")], &[]);
    assert_eq!(
        moved,
        [
            MovedTask {
                id: "N1-1".into(),
                was: "P1 start".into(),
                now: Some("P2 invest".into()),
                feedback: true,
                closed: false,
            },
            MovedTask {
                id: "N1-2".into(),
                was: "P2 invest".into(),
                now: None,
                feedback: false,
                closed: true,
            },
        ]
    );
    // Neither answer counts for the new N1-1.
    assert_eq!(answered(&h), (vec![], vec![]));
    // Closing the new matter is recorded beside the old one's 销号.
    assert!(
        h.close_tasks(&["N1-1".into()], day("2026-10-21"), "")
            .unwrap()
            .is_empty()
    );
    assert_eq!(answered(&h), (vec![], vec!["N1-1".into()]));

    // As first run again: the first answers count again, the later 销号 is of another matter.
    let moved = record(&mut h, "2026-09", &[start, invest], &[]);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(moved[0].closed && !moved[0].feedback && moved[0].id == "N1-1");
    assert_eq!(answered(&h), (vec!["N1-1".into()], vec!["N1-2".into()]));
    assert_eq!(h.closures().unwrap()["N1-2"], day("2026-10-20"));
}

#[test]
fn an_unchanged_rerun_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = History::open(&dir.path().join("history.sqlite")).unwrap();
    let tasks = [task(1, "P1", "start"), task(2, "P2", "invest")];
    record(&mut h, "2026-09", &tasks, &[]);
    record(&mut h, "2026-10", &[], &[done("N1-1")]);
    h.close_tasks(&["N1-2".into()], day("2026-10-20"), "")
        .unwrap();
    // The same matters with other words (another as-of date's day counts): nothing moved.
    let mut again = tasks.clone();
    again[0].text = "P1 start, 16 days".into();
    assert!(record(&mut h, "2026-09", &again, &[]).is_empty());
    assert_eq!(answered(&h), (vec!["N1-1".into()], vec!["N1-2".into()]));
}
