//! The file the browser is opened on: a tiny local HTML page, readable by this user only
//! (0600 on Unix), that redirects to the page's address with its token. A browser started with
//! the address itself would show the token in its command line to every user of the computer.

use std::io::Write;
use std::path::PathBuf;

/// How long the browser has to open the file.
const KEEP: std::time::Duration = std::time::Duration::from_secs(300);

/// Writes the redirecting file into the temporary folder and removes it five minutes later.
/// A page stopped before that (Ctrl+C) leaves its file, so older ones are removed first.
pub(super) fn write(url: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir();
    remove_stale(&dir, std::time::SystemTime::now());
    let name = format!("sanyipi-{}.html", &super::auth::new_token()[..12]);
    let path = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta http-equiv=\"refresh\" content=\"0;url={url}\">\
         <title>正在打开…</title></head><body>正在打开考核网页……\
         <script>location.replace({url:?});</script></body></html>"
    );
    file.write_all(html.as_bytes())?;
    let remove = path.clone();
    std::thread::spawn(move || {
        std::thread::sleep(KEEP);
        let _ = std::fs::remove_file(remove);
    });
    Ok(path)
}

/// Whether `name` is the name of a launcher file (`sanyipi-` and twelve hex digits).
fn is_launcher(name: &str) -> bool {
    name.strip_prefix("sanyipi-")
        .and_then(|n| n.strip_suffix(".html"))
        .is_some_and(|t| t.len() == 12 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Removes launcher files in `dir` written more than [`KEEP`] before `now`.
fn remove_stale(dir: &std::path::Path, now: std::time::SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_str().is_some_and(is_launcher)
            && entry
                .metadata()
                .ok()
                .filter(std::fs::Metadata::is_file)
                .and_then(|m| m.modified().ok())
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > KEEP);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_launcher_redirects_and_only_its_owner_reads_it() {
        let url = "http://127.0.0.1:1/?t=0123456789abcdef";
        let path = super::write(url).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(url));
        assert!(!path.to_string_lossy().contains("0123456789abcdef"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn files_left_by_a_page_stopped_early_are_removed_later() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("sanyipi-0123456789ab.html");
        let other = dir.path().join("sanyipi-notes.html");
        std::fs::write(&old, "x").unwrap();
        std::fs::write(&other, "x").unwrap();
        let now = std::time::SystemTime::now();
        super::remove_stale(dir.path(), now);
        assert!(old.exists(), "a fresh file is kept");
        super::remove_stale(dir.path(), now + super::KEEP * 2);
        assert!(!old.exists());
        assert!(other.exists(), "only launcher files are removed");
    }
}
