//! Limits checked before a workbook is handed to calamine: a zipped workbook (xlsx, ods) is
//! inspected entry by entry in a streaming way, so that a few kilobytes that declare a huge grid
//! or decompress to gigabytes are refused before anything large is allocated.
//!
//! Checked for every entry: its decompressed size (per entry and for the whole workbook, counted
//! while decompressing, never trusted from the header), that its XML is complete (a truncated or
//! unclosed sheet is an error, not a lost row), and for sheets the declared dimension and the
//! position of every cell holding a value. An .xls is checked by `xls`: its container and its
//! records, walked as the reader will walk them.

use crate::diagnostic::Diagnostic;
use crate::rules::Limits;
use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};

mod biff;
mod cfb;
mod grid;
mod ods_grid;
mod refs;
mod refusal;
mod xls;

pub(crate) use biff::XlsFacts;
pub(crate) use xls::inspect_xls;

use grid::{NoGrid, Over, XlsxGrid, attr, scan_xml};
use ods_grid::OdsGrid;
use quick_xml::events::{BytesStart, Event};
pub(crate) use refusal::same_name;
use refusal::{Refusal, diagnostic};

const MB: u64 = 1024 * 1024;

/// What kind of zipped workbook the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Xlsx,
    Ods,
}

/// What the inspection of an xlsx sheet saw on its way, so that nothing reads the sheet's XML
/// again for it: hidden rows and the cells holding a formula, in absolute zero-based positions.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SheetFacts {
    /// Hidden rows, one-row ranges in order.
    pub(crate) hidden: Vec<(u32, u32)>,
    /// Hidden columns (`<col min max hidden="1">`), inclusive ranges.
    pub(crate) hidden_cols: Vec<(u32, u32)>,
    /// Cells with a formula (`<f>`), whether or not a value was saved with it.
    pub(crate) formulas: Vec<(u32, u32)>,
    /// Merged regions (`<mergeCell ref="A3:A5">`).
    pub(crate) merges: Vec<calamine::Dimensions>,
    /// Number cells shown as a percentage (`3.1%` stored as 0.031), once the styles are known.
    pub(crate) percent: Vec<(u32, u32)>,
    /// Number cells with a style (row, col, style index), until the styles are known.
    pub(super) styled: Vec<(u32, u32, u32)>,
    /// In `styles.xml`: the cell styles (`<cellXfs>` indices) of a percentage number format.
    pub(super) percent_styles: Vec<u32>,
    /// Shared strings: the table's size (in `sharedStrings.xml`), and the cells naming them.
    pub(super) shared: SharedStrings,
    /// The first cell, row or dimension reference the reader cannot parse.
    pub(super) bad_ref: Option<refs::BadRef>,
}

/// What a part says of shared strings: the strings it holds (the table) or the indices its
/// cells name (a sheet): the largest, and the first that is not an index at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SharedStrings {
    pub(super) strings: Option<u64>,
    pub(super) max: Option<(u32, u32, u64)>,
    pub(super) bad: Option<(u32, u32, String)>,
}

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Inspects the zipped workbook `bytes` (shown as `name`) against `limits`. For xlsx, returns
/// the facts of each sheet by its name.
pub(crate) fn inspect_zip(
    bytes: &[u8],
    name: &str,
    flavour: Flavour,
    limits: &Limits,
) -> Result<BTreeMap<String, SheetFacts>, Diagnostic> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        diagnostic(
            Refusal::Corrupt(e.to_string()),
            name,
            &BTreeMap::new(),
            limits,
        )
    })?;
    let (sheets, same) = match flavour {
        Flavour::Xlsx => xlsx_sheet_names(&mut zip, limits),
        Flavour::Ods => (BTreeMap::new(), None),
    };
    if let Some((first, second)) = same {
        let refusal = Refusal::SameSheet { first, second };
        return Err(diagnostic(refusal, name, &sheets, limits));
    }
    let facts = check_entries(&mut zip, flavour, limits)
        .map_err(|r| diagnostic(r, name, &sheets, limits))?;
    // A reference the reader cannot parse refuses its sheet (only a sheet is read for cells).
    if let Some((entry, bad)) = facts.iter().find_map(|(entry, f)| {
        let bad = f.bad_ref.clone()?;
        sheets
            .contains_key(&normal(entry))
            .then(|| (entry.clone(), bad))
    }) {
        let refusal = Refusal::BadRef {
            entry: normal(&entry),
            bad,
        };
        return Err(diagnostic(refusal, name, &sheets, limits));
    }
    Ok(facts
        .into_iter()
        .filter_map(|(entry, f)| sheets.get(&normal(&entry)).map(|n| (n.clone(), f)))
        .collect())
}

/// An entry name as the reader looks it up: case-insensitive, `\` as `/`, no leading `/`.
fn normal(entry: &str) -> String {
    entry
        .replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

fn check_entries(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    flavour: Flavour,
    limits: &Limits,
) -> Result<BTreeMap<String, SheetFacts>, Refusal> {
    let entry_cap = limits.max_entry_mb * MB;
    let mut total: u64 = 0;
    let (mut cells, mut merges) = (0u64, 0u64);
    let mut facts = BTreeMap::new();
    for i in 0..zip.len() {
        unsupported(zip, i)?;
        let mut file = zip
            .by_index(i)
            .map_err(|e| Refusal::Corrupt(e.to_string()))?;
        if file.is_dir() {
            continue;
        }
        let entry = file
            .name()
            .map(|n| n.to_string())
            .map_err(|e| Refusal::Corrupt(e.to_string()))?;
        let too_big = |total: bool| Refusal::Bytes {
            entry: entry.clone(),
            limit_mb: if total {
                limits.max_unzipped_mb
            } else {
                limits.max_entry_mb
            },
            total,
        };
        if file.size() > entry_cap {
            return Err(too_big(false));
        }
        let room = entry_cap.min((limits.max_unzipped_mb * MB).saturating_sub(total));
        let mut counted = Counted {
            inner: (&mut file).take(room + 1),
            n: 0,
            failed: None,
        };
        let scanned = scan_entry(&entry, flavour, &mut counted, limits);
        if let Err(over @ Refusal::Over { .. }) = scanned {
            return Err(over);
        }
        // The rest of the entry (after an XML part's end, or one not read as XML) is counted.
        let _ = std::io::copy(&mut counted, &mut std::io::sink());
        if counted.n > room {
            return Err(too_big(counted.n <= entry_cap));
        }
        if let Some(e) = counted.failed {
            return Err(Refusal::Corrupt(format!("{entry}: {e}")));
        }
        let (f, n) = scanned?;
        cells = cells.saturating_add(n);
        if cells > limits.max_cells {
            let over = Over::Count("cells", cells);
            return Err(Refusal::Over { entry, over });
        }
        if let Some(f) = f {
            merges += f.merges.len() as u64;
            if merges > limits.max_merges {
                let over = Over::Count("mergeCell", merges);
                return Err(Refusal::Over { entry, over });
            }
            facts.insert(entry, f);
        }
        total += counted.n;
    }
    shared_strings(&facts)?;
    percent_cells(&mut facts);
    Ok(facts)
}

/// A part the zip reader cannot open: encrypted, or compressed other than stored or deflated.
fn unsupported(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, i: usize) -> Result<(), Refusal> {
    let Ok(file) = zip.by_index_raw(i) else {
        return Ok(());
    };
    let method = file.compression();
    let known = matches!(
        method,
        zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
    );
    if !file.encrypted() && known {
        return Ok(());
    }
    Err(Refusal::Method {
        entry: file.name().map(|n| n.to_string()).unwrap_or_default(),
        encrypted: file.encrypted(),
        method: method_name(method),
    })
}

/// A compression method as the technical line names it (`Bzip2 (12)`).
#[allow(deprecated)]
fn method_name(method: zip::CompressionMethod) -> String {
    let code = method.to_u16();
    let name = zip::CompressionMethod::name_from_u16(code);
    format!("compression method {name} ({code})")
}

/// Every shared-string cell names a string of the table: calamine reads an index past it as
/// an error of the whole file, and text that is no index as the first string, with no word.
fn shared_strings(facts: &BTreeMap<String, SheetFacts>) -> Result<(), Refusal> {
    let strings = facts
        .values()
        .filter_map(|f| f.shared.strings)
        .max()
        .unwrap_or(0);
    for (entry, f) in facts {
        let refusal = |cell, index| Refusal::Shared {
            entry: entry.clone(),
            cell,
            index,
            strings,
        };
        if let Some((row, col, text)) = &f.shared.bad {
            return Err(refusal((*row, *col), Err(text.clone())));
        }
        if let Some((row, col, i)) = f.shared.max
            && i >= strings
        {
            return Err(refusal((row, col), Ok(i)));
        }
    }
    Ok(())
}

/// Gives each sheet its number cells shown as a percentage, from the styles the workbook's
/// `styles.xml` names so (whatever the order of the parts in the zip).
fn percent_cells(facts: &mut BTreeMap<String, SheetFacts>) {
    let styles: std::collections::HashSet<u32> = facts
        .values()
        .flat_map(|f| f.percent_styles.iter().copied())
        .collect();
    for f in facts.values_mut() {
        let styled = std::mem::take(&mut f.styled);
        f.percent = styled
            .into_iter()
            .filter(|(_, _, s)| styles.contains(s))
            .map(|(r, c, _)| (r, c))
            .collect();
    }
}

/// How an entry is scanned.
#[derive(Clone, Copy)]
enum Scan {
    /// A worksheet-like XML part (any `.xml` of an xlsx, an ods `content.xml`): it must be
    /// complete, and what it asks of the reader is checked.
    Sheet,
    /// Another XML part: it must be complete.
    Xml,
    /// Any other part of an xlsx: a relationship may point at it as a sheet, so what it would
    /// ask is checked if it reads as XML; if it does not, it is not a sheet.
    Maybe,
    /// Not read by the reader as XML.
    Skip,
}

fn scan_kind(entry: &str, flavour: Flavour) -> Scan {
    let lower = normal(entry);
    match flavour {
        Flavour::Xlsx if lower.ends_with(".rels") => Scan::Xml,
        Flavour::Xlsx if lower.ends_with(".xml") => Scan::Sheet,
        Flavour::Xlsx if lower.ends_with(".vml") || lower.starts_with("xl/media/") => Scan::Skip,
        Flavour::Xlsx => Scan::Maybe,
        Flavour::Ods if lower == "content.xml" => Scan::Sheet,
        Flavour::Ods if lower.ends_with(".xml") => Scan::Xml,
        Flavour::Ods => Scan::Skip,
    }
}

/// Scans one entry as what it is: an xlsx sheet gives its facts, and every sheet the cells of
/// the grid the reader will build for it. The caller reads the rest of the entry.
fn scan_entry<R: Read>(
    entry: &str,
    flavour: Flavour,
    reader: &mut Counted<R>,
    limits: &Limits,
) -> Result<(Option<SheetFacts>, u64), Refusal> {
    let xml_err = |detail: String| Refusal::Xml {
        entry: entry.to_string(),
        detail,
    };
    let over = |over: Over| Refusal::Over {
        entry: entry.to_string(),
        over,
    };
    let kind = scan_kind(entry, flavour);
    match (kind, flavour) {
        (Scan::Sheet | Scan::Maybe, Flavour::Xlsx) => {
            let mut grid = XlsxGrid::default();
            match scan_xml(BufReader::new(reader), &mut grid, limits) {
                Ok(None) => Ok((Some(grid.facts.clone()), grid.cells())),
                Ok(Some(o)) => Err(over(o)),
                Err(_) if matches!(kind, Scan::Maybe) => Ok((None, 0)),
                Err(e) => Err(xml_err(e)),
            }
        }
        (Scan::Sheet, Flavour::Ods) => {
            let mut grid = OdsGrid::default();
            match scan_xml(BufReader::new(reader), &mut grid, limits) {
                Ok(None) => match grid.no_value {
                    Some((sheet, cell, value_type)) => Err(Refusal::NoValue {
                        sheet,
                        cell,
                        value_type,
                    }),
                    None => Ok((None, grid.cells())),
                },
                Ok(Some(o)) => Err(over(o)),
                Err(e) => Err(xml_err(e)),
            }
        }
        (Scan::Xml, _) => scan_xml(BufReader::new(reader), &mut NoGrid, limits)
            .map(|_| (None, 0))
            .map_err(xml_err),
        _ => Ok((None, 0)),
    }
}

/// A reader that counts bytes and remembers an I/O error (a corrupt deflate stream or CRC)
/// instead of letting the XML parser report it as a truncated document.
struct Counted<R> {
    inner: R,
    n: u64,
    failed: Option<std::io::Error>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(k) => {
                self.n += k as u64;
                Ok(k)
            }
            Err(e) => {
                let msg = e.to_string();
                self.failed = Some(e);
                Err(std::io::Error::other(msg))
            }
        }
    }
}

/// Sheet names of an xlsx by normalised entry (`xl/worksheets/sheet1.xml` → `月报`), found as
/// the reader finds them: `_rels/.rels` names the workbook, its relationships the sheets, names
/// looked up case-insensitively with `\` as `/`. Best effort: a name not found shows the entry.
/// Also the first two sheets that are one part (the reader would read its rows twice).
fn xlsx_sheet_names(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> (BTreeMap<String, String>, Option<(String, String)>) {
    let mut workbook = "xl/workbook.xml".to_string();
    read_small(zip, "_rels/.rels", limits, |e| {
        if attr(e, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
            && let Some(t) = attr(e, "Target")
        {
            workbook = resolve("", &t);
        }
    });
    let (dir, file) = workbook.rsplit_once('/').unwrap_or(("", &workbook));
    let (dir, file) = (dir.to_string(), file.to_string());
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    read_small(zip, &workbook, limits, |e| {
        if e.local_name().as_ref() == "sheet"
            && let (Some(n), Some(id)) = (attr(e, "name"), attr(e, "id"))
        {
            ids.push((id, n));
        }
    });
    let rels = format!("{dir}/_rels/{file}.rels");
    read_small(zip, &rels, limits, |e| {
        if let (Some(id), Some(t)) = (attr(e, "Id"), attr(e, "Target")) {
            targets.insert(id, resolve(&dir, &t));
        }
    });
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut same = None;
    for (id, n) in ids {
        let Some(t) = targets.get(&id) else { continue };
        match names.get(t) {
            Some(first) => {
                same = same.or_else(|| Some((first.clone(), n)));
            }
            None => {
                names.insert(t.clone(), n);
            }
        }
    }
    (names, same)
}

/// A relationship target as a normalised entry name: relative to `dir` unless it starts
/// with `/`, `..` resolved.
fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None if dir.is_empty() => target,
        None => format!("{dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    normal(&parts.join("/"))
}

fn read_small(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    entry: &str,
    limits: &Limits,
    mut each: impl FnMut(&BytesStart),
) {
    let wanted = normal(entry);
    let Some(index) = (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(|n| n.ok())
            .is_some_and(|n| normal(&n) == wanted)
    }) else {
        return;
    };
    let Ok(file) = zip.by_index(index) else {
        return;
    };
    let mut xml =
        quick_xml::Reader::from_reader(BufReader::new(file.take(limits.max_entry_mb * MB)));
    let mut buf = Vec::new();
    while let Ok(ev) = xml.read_event_into(&mut buf) {
        match ev {
            Event::Start(e) | Event::Empty(e) => each(&e),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests;
