//! The column widths of a template sheet (`<cols><col min max width>` of its XML), which the
//! xlsx reader does not give. Best effort: a template whose widths cannot be read gets the
//! widths the print layout fits (the caller's fallback).

use crate::xml::attr;
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

/// The most bytes read of one XML entry of a template.
const MAX_ENTRY_BYTES: u64 = 20 * 1024 * 1024;

type Zip = zip::ZipArchive<Cursor<Vec<u8>>>;

/// The width of each of the first `columns` columns of `sheet`, where the template sets one.
pub(crate) fn column_widths(bytes: &[u8], sheet: &str, columns: u16) -> Vec<Option<f64>> {
    let mut out = vec![None; usize::from(columns)];
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes.to_vec())) else {
        return out;
    };
    let Some(entry) = sheet_entry(&mut zip, sheet) else {
        return out;
    };
    each_start(&mut zip, &entry, |e| {
        if e.local_name().as_ref() != "col" {
            return;
        }
        let num = |k: &str| attr(e, k).and_then(|v| v.parse::<f64>().ok());
        let (Some(min), Some(max), Some(width)) = (num("min"), num("max"), num("width")) else {
            return;
        };
        let (min, max) = (min.max(1.0) as usize, max.max(1.0) as usize);
        for c in min..=max.min(out.len()) {
            out[c - 1] = Some(characters(width));
        }
    });
    out
}

/// A stored width (characters plus Excel's padding of 5 pixels at 7 pixels a character) as
/// the characters a writer is given.
fn characters(stored: f64) -> f64 {
    if stored > 1.0 {
        ((stored - 5.0 / 7.0) * 100.0).round() / 100.0
    } else {
        stored
    }
}

/// The XML entry of the sheet named `sheet` (`xl/worksheets/sheet1.xml`).
fn sheet_entry(zip: &mut Zip, sheet: &str) -> Option<String> {
    let mut id = None;
    each_start(zip, "xl/workbook.xml", |e| {
        if e.local_name().as_ref() == "sheet" && attr(e, "name").as_deref() == Some(sheet) {
            id = attr(e, "r:id");
        }
    });
    let id = id?;
    let mut target = None;
    each_start(zip, "xl/_rels/workbook.xml.rels", |e| {
        if attr(e, "Id").as_deref() == Some(id.as_str()) {
            target = attr(e, "Target");
        }
    });
    let t = target?.replace('\\', "/");
    Some(match t.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{t}"),
    })
}

/// Calls `f` on every start or empty tag of the entry `name`.
fn each_start(zip: &mut Zip, name: &str, mut f: impl FnMut(&BytesStart)) {
    let Ok(entry) = zip.by_name(name) else {
        return;
    };
    let mut text = String::new();
    if entry
        .take(MAX_ENTRY_BYTES)
        .read_to_string(&mut text)
        .is_err()
    {
        return;
    }
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => f(&e),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}
