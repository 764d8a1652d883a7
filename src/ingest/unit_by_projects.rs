//! A report whose unit its file name and 填报单位 leave in doubt is the unit owning all the
//! projects it reports, when that unit is one of the names or the unknown name written otherwise.

use super::record::Record;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::text::key;
use std::collections::BTreeSet;

/// The unit of a file its name and 填报单位 leave in doubt (`UnitDoubt`), from the projects it
/// reports: when every matched row is of one ledger unit, and that unit is one of the two a
/// file name and 填报单位 disagree on, or is written like the unknown name the file was read
/// as (`东湖` for 东湖镇; not a department's own name, 县发改委, reporting a town's project),
/// the file is that unit's, said by a W044 at the file. Otherwise the file keeps the unit it
/// was read as.
pub(super) fn units_by_projects(
    records: &mut [Record],
    hits: &[Option<usize>],
    targets: &[Record],
    unit_field: &str,
    files: &mut [super::record::FileSummary],
) -> Vec<Diagnostic> {
    use super::record::UnitDoubt;
    let mut said = Vec::new();
    for f in files.iter_mut().filter(|f| f.unit_doubt != UnitDoubt::None) {
        let owners: BTreeSet<&str> = records
            .iter()
            .zip(hits)
            .filter(|(r, _)| r.file == f.file && !r.rejected)
            .filter_map(|(_, hit)| targets[(*hit)?].text(unit_field))
            .collect();
        let [owner] = owners.into_iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let why = match &f.unit_doubt {
            UnitDoubt::Conflict(signed, named) if owner == signed || owner == named => format!(
                "文件名为“{named}”，填报单位为“{signed}”，二者不一致；本表所报项目均属{owner}，按{owner}的报送计"
            ),
            UnitDoubt::Conflict(..) => continue,
            UnitDoubt::Unknown(name) if !written_like(name, owner) => continue,
            _ => format!(
                "未能从填报单位或文件名确定报送单位；本表所报项目均属{owner}，按{owner}的报送计"
            ),
        };
        let owner = owner.to_string();
        for r in records.iter_mut().filter(|r| r.file == f.file) {
            r.unit = Some(owner.clone());
        }
        said.push(
            Diagnostic::new(
                Code::UnknownUnit,
                Location {
                    file: f.file.clone(),
                    sheet: f.sheet.clone(),
                    cell: None,
                },
                why,
            )
            .with_hint(format!(
                "在表格上方写明“填报单位：{owner}”，文件名也写{owner}"
            )),
        );
        f.reporting_unit = Some(owner);
        f.unit_doubt = UnitDoubt::None;
    }
    said
}

/// Whether an unknown unit name is the unit `owner` written otherwise: one the other's start
/// (`东湖`, `东湖镇人民` for 东湖镇), or most of its characters (a slip).
fn written_like(name: &str, owner: &str) -> bool {
    let (n, o) = (key(name), key(owner));
    let start = n.chars().count() >= 2 && (o.starts_with(&n) || n.starts_with(&o));
    start || strsim::normalized_levenshtein(&n, &o) >= 0.6
}
