//! The one template environment of every HTML page: the built-in templates (`templates/`), each
//! replaced by a file of the same name in `--templates DIR`, autoescaped because they end in
//! `.html`. Pages extend `base.html`; an override that is a full page without `{% extends %}`
//! still works. Rendering is bounded (fuel, recursion limit) as rule expressions are.

use minijinja::{Environment, ErrorKind, Value};
use std::path::{Path, PathBuf};

/// The built-in templates, overridable by files of the same name in `--templates DIR`.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("report.html", include_str!("../../templates/report.html")),
    ("cards.html", include_str!("../../templates/cards.html")),
    (
        "screening.html",
        include_str!("../../templates/screening.html"),
    ),
    ("notice.html", include_str!("../../templates/notice.html")),
    (
        "notices_all.html",
        include_str!("../../templates/notices_all.html"),
    ),
    (
        "notice_body.html",
        include_str!("../../templates/notice_body.html"),
    ),
    (
        "notice_style.html",
        include_str!("../../templates/notice_style.html"),
    ),
    ("weekly.html", include_str!("../../templates/weekly.html")),
    (
        "office_calendar.html",
        include_str!("../../templates/office_calendar.html"),
    ),
    ("annual.html", include_str!("../../templates/annual.html")),
    (
        "evaluate.html",
        include_str!("../../templates/evaluate.html"),
    ),
    (
        "bulletin.html",
        include_str!("../../templates/bulletin.html"),
    ),
    (
        "official_body.html",
        include_str!("../../templates/official_body.html"),
    ),
    (
        "register_table.html",
        include_str!("../../templates/register_table.html"),
    ),
];

/// Steps one page may take to render (minijinja fuel): far above what the built-in pages need
/// for a county's month, low enough that an endless loop in a `--templates` override ends in
/// seconds with an error naming the template.
pub(crate) const PAGE_FUEL: u64 = 50_000_000;

/// A template could not be loaded or rendered: names the file and line.
#[derive(Debug, thiserror::Error)]
#[error("模板错误: {file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TemplateError {
    pub(crate) file: String,
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

/// The templates of the HTML pages, with the folder whose files replace the built-in ones.
pub struct Templates {
    env: Environment<'static>,
    dir: Option<PathBuf>,
}

/// Templates: built-in ones, replaced by those found in `dir`. Every template is parsed when the
/// folder is read, so a broken override is reported before anything is rendered.
pub fn environment(dir: Option<&Path>) -> Result<Templates, TemplateError> {
    let mut env = crate::expr::bounded_env();
    env.set_fuel(Some(PAGE_FUEL));
    env.add_filter("num", |v: f64| crate::ingest::value::format_number(v));
    env.add_filter("keep", keep_whole);
    for (name, builtin) in BUILTIN {
        let path = dir.map(|d| d.join(name)).filter(|p| p.exists());
        let source = match &path {
            Some(p) => std::fs::read_to_string(p).map_err(|e| TemplateError {
                file: p.display().to_string(),
                line: None,
                message: e.to_string(),
            })?,
            None => builtin.to_string(),
        };
        env.add_template_owned(name.to_string(), source)
            .map_err(|e| error(&e, dir))?;
    }
    Ok(Templates {
        env,
        dir: dir.map(Path::to_path_buf),
    })
}

/// The `keep` filter: `text` escaped, with each date (`2026-10-25`, `2026年10月25日`), month
/// (`2026-10`) and each
/// document number (`〔2026〕12号`) in a span that printing never breaks.
fn keep_whole(text: &str) -> minijinja::Value {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some((start, len)) = next_whole(rest) {
        out.push_str(&minijinja::HtmlEscape(&rest[..start]).to_string());
        out.push_str("<span class=\"nw\">");
        out.push_str(&minijinja::HtmlEscape(&rest[start..start + len]).to_string());
        out.push_str("</span>");
        rest = &rest[start + len..];
    }
    out.push_str(&minijinja::HtmlEscape(rest).to_string());
    minijinja::Value::from_safe_string(out)
}

/// The first date or document number in `s`: its byte offset and length.
fn next_whole(s: &str) -> Option<(usize, usize)> {
    let digits = |t: &str, min: usize, max: usize| {
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        (min..=max).contains(&n).then_some(n)
    };
    // A run of parts: digits (min, max) then a literal, in order.
    let shape = |t: &str, parts: &[(usize, usize, &str)]| -> Option<usize> {
        let mut at = 0;
        for &(min, max, lit) in parts {
            at += digits(&t[at..], min, max)?;
            at += t[at..].starts_with(lit).then_some(lit.len())?;
        }
        Some(at)
    };
    s.char_indices().find_map(|(i, c)| {
        let t = &s[i..];
        let len = if c == '〔' {
            shape(&t[c.len_utf8()..], &[(4, 4, "〕"), (1, 6, "号")]).map(|n| n + c.len_utf8())
        } else if c.is_ascii_digit() && (i == 0 || !s.as_bytes()[i - 1].is_ascii_digit()) {
            shape(t, &[(4, 4, "-"), (2, 2, "-"), (2, 2, "")])
                .or_else(|| shape(t, &[(4, 4, "-"), (2, 2, "")]))
                .or_else(|| shape(t, &[(4, 4, "年"), (1, 2, "月"), (1, 2, "日")]))
        } else {
            None
        };
        len.map(|n| (i, n))
    })
}

impl Templates {
    /// Renders the template `name` with `ctx`.
    pub(crate) fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| error(&e, self.dir.as_deref()))
    }

    /// `render` streamed into `w` (a province's pages are tens of megabytes).
    pub(crate) fn render_to(
        &self,
        name: &str,
        ctx: Value,
        w: impl std::io::Write,
    ) -> Result<(), TemplateError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render_captured_to(ctx, w))
            .map(|_| ())
            .map_err(|e| error(&e, self.dir.as_deref()))
    }
}

/// Names the file the error is in: the override when there is one, else `templates/NAME`.
fn error(e: &minijinja::Error, dir: Option<&Path>) -> TemplateError {
    let name = e.name().unwrap_or("?").to_string();
    let file = match dir {
        Some(d) if d.join(&name).exists() => d.join(&name).display().to_string(),
        _ => format!("templates/{name}"),
    };
    TemplateError {
        file,
        line: e.line(),
        message: match e.kind() {
            ErrorKind::OutOfFuel => {
                format!("渲染超过 {PAGE_FUEL} 步仍未完成，已停止（模板中可能有死循环或过大的循环）")
            }
            kind => format!(
                "{}。{}",
                what_went_wrong(kind),
                crate::diagnostic::tech_info(
                    e.detail().map_or_else(|| kind.to_string(), str::to_string)
                )
            ),
        },
    }
}

/// What a template mistake is, in the words of the person who edited it.
fn what_went_wrong(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::SyntaxError => "模板语法有误（如 {{ }} 或 {% %} 不成对、缺少 endif / endfor）",
        ErrorKind::UnknownFilter => "使用了不存在的过滤器（| 后面的名称）",
        ErrorKind::UnknownFunction => "使用了不存在的函数",
        ErrorKind::UnknownTest => "使用了不存在的判断（is 后面的名称）",
        ErrorKind::UnknownMethod => "使用了不存在的方法",
        ErrorKind::UndefinedError => "使用了不存在的数据项",
        ErrorKind::TemplateNotFound => "引用的模板不存在（extends / include 的文件名）",
        ErrorKind::MissingArgument | ErrorKind::TooManyArguments => "函数或过滤器的参数个数不对",
        ErrorKind::InvalidOperation | ErrorKind::CannotUnpack => "对数据做了不能做的运算",
        ErrorKind::WriteFailure => "写入网页文件失败",
        _ => "模板无法生成网页",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn an_old_full_page_without_extends_still_overrides() {
        let dir = std::env::temp_dir().join(format!("sanyipi-pages-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("weekly.html"),
            "<!DOCTYPE html>\n<title>{{ title }}</title>\n<p>{{ title }}</p>\n",
        )
        .unwrap();
        let t = environment(Some(&dir)).unwrap();
        let html = t.render("weekly.html", context! { title => "<周报>" });
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            html.unwrap(),
            "<!DOCTYPE html>\n<title>&lt;周报&gt;</title>\n<p>&lt;周报&gt;</p>"
        );
    }

    #[test]
    fn a_page_extends_the_base() {
        let t = environment(None).unwrap();
        let ctx = context! { title => "标题", rows => Vec::<i32>::new(), missing_years => Vec::<i32>::new(), checked => false, late => Vec::<i32>::new() };
        let html = t.render("office_calendar.html", ctx).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>标题</title>\n<style>\n@page"));
        assert!(html.ends_with("</p>\n</body>\n</html>"));
    }

    #[test]
    fn keep_wraps_dates_and_numbers_and_escapes_the_rest() {
        let v = keep_whole(
            "<b>到期日2026-02-13，镇督查〔2026〕12号，2026年7月5日；12345-6，2026-09</b>",
        );
        assert_eq!(
            v.to_string(),
            "&lt;b&gt;到期日<span class=\"nw\">2026-02-13</span>，镇督查<span class=\"nw\">〔2026〕12号</span>，\
             <span class=\"nw\">2026年7月5日</span>；12345-6，<span class=\"nw\">2026-09</span>&lt;&#x2f;b&gt;"
        );
    }
}
