//! The file the browser is opened on: a tiny local HTML page, readable by this user only
//! (0600 on Unix), that redirects to the page's address with its token. A browser started with
//! the address itself would show the token in its command line to every user of the computer.

use std::io::Write;
use std::path::PathBuf;

/// Writes the redirecting file into the temporary folder and removes it five minutes later.
pub(super) fn write(url: &str) -> std::io::Result<PathBuf> {
    let name = format!("sanyipi-{}.html", &super::auth::new_token()[..12]);
    let path = std::env::temp_dir().join(name);
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
        std::thread::sleep(std::time::Duration::from_secs(300));
        let _ = std::fs::remove_file(remove);
    });
    Ok(path)
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
}
