//! Custom HTML templates (`--templates`) run with fuel, as rule expressions do (issue 24,
//! point 7): an endless loop ends in a Chinese error naming the template, and nothing is written.

use crate::common::*;

#[test]
fn an_endless_loop_in_a_custom_template_ends_with_an_error_naming_it() {
    let out = tempfile::tempdir().unwrap();
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("report.html"),
        "<html>\n{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}\n</html>",
    )
    .unwrap();
    let r = Sanyipi::month("samples/2026-09", "2026-09")
        .out(out.path())
        .args(["--templates", templates.path().to_str().unwrap()])
        .run()
        .expect_code(2);
    assert!(r.stderr.contains("report.html:2"), "{}", r.stderr);
    assert!(r.stderr.contains("死循环"), "{}", r.stderr);
    assert!(!out.path().join("2026-09").exists());
    // The history file this run created is gone with it, and so are the files it staged.
    assert!(!out.path().join("history.sqlite").exists());
    assert_eq!(staged(out.path()), Vec::<String>::new());
}

#[test]
fn a_mistake_in_a_custom_cards_page_is_its_error_and_nothing_is_written() {
    let out = tempfile::tempdir().unwrap();
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("cards.html"),
        "<html>\n<p>{{ cards | no_such_filter }}</p>\n</html>",
    )
    .unwrap();
    let r = Sanyipi::month("samples/2026-09", "2026-09")
        .out(out.path())
        .args(["--templates", templates.path().to_str().unwrap()])
        .run()
        .expect_code(2);
    // The template's own error, in words, not one of writing the file.
    assert!(
        r.stderr
            .contains("cards.html:2: 使用了不存在的过滤器（| 后面的名称）。技术信息："),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("无法写入"), "{}", r.stderr);
    assert!(!out.path().join("2026-09").exists());
    // The history file this run created is gone with it, and so are the files it staged.
    assert!(!out.path().join("history.sqlite").exists());
    assert_eq!(staged(out.path()), Vec::<String>::new());
}

/// The temp folders of runs left in `out`.
fn staged(out: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp."))
        .collect()
}
