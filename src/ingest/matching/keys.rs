//! Keying a table the others join (the ledger) or a table of its own: each row its project
//! key, a repeated key refused and said (E031), refused rows kept so a report row naming one
//! says why; a sheet repeating another's projects read as a copy.

use super::*;

/// Reports the problems of an unmatched table's rows and drops the rejected ones.
pub(super) fn settle(schema: &TableSchema, data: &mut Dataset) {
    let records = data.tables.remove(&schema.id).unwrap_or_default();
    let mut kept = Vec::with_capacity(records.len());
    let mut refused = Vec::new();
    for mut r in records {
        data.diagnostics.append(&mut r.problems);
        if r.rejected {
            refused.push(refused_row(&r, Refusal::WrongValue));
        } else {
            kept.push(r);
        }
    }
    data.tables.insert(schema.id.clone(), kept);
    if !refused.is_empty() {
        data.refused
            .entry(schema.id.clone())
            .or_default()
            .extend(refused);
    }
}

/// A row not used, as a report row naming its project finds it (see [`Dataset::refused`]).
pub(super) fn refused_row(r: &Record, why: Refusal) -> RefusedRow {
    let keys = r
        .values
        .iter()
        .map(|(f, v)| (f.clone(), key(&v.to_string())))
        .collect();
    RefusedRow {
        keys,
        at: r.row_ref(),
        why,
    }
}

/// Gives each ledger record its project key; a repeated key is an error and the repeat is dropped.
/// A second sheet of the file all of whose rows repeat another sheet's (a 汇总 or a copy) is
/// said once, its rows not used.
/// A repeat of another project's key is kept among the refused rows, for the rows that report
/// that project to say why it is not in the ledger.
pub(super) fn key_target(
    schema: &TableSchema,
    (key_field, name): (&str, Option<&str>),
    data: &mut Dataset,
) {
    let records = data.tables.remove(&schema.id).unwrap_or_default();
    let copies = copy_sheets(schema, key_field, &records);
    // Key → the cell of its first row, and that row.
    let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut kept: Vec<Record> = Vec::with_capacity(records.len());
    let mut refused = Vec::new();
    for mut r in records {
        if let Some(copy) = copies.get(&(r.file.clone(), r.sheet.clone())) {
            if let Some(d) = copy.take() {
                data.diagnostics.push(d);
            }
            continue;
        }
        let Some(id) = r.get(key_field).map(|v| v.to_string()) else {
            kept.push(r);
            continue;
        };
        let k = key(&id).to_ascii_uppercase();
        if let Some((at, i)) = seen.get(&k) {
            let label = schema
                .field(key_field)
                .map_or(key_field, |f| f.label.as_str());
            let names = name.and_then(|n| Some((kept[*i].text(n)?, r.text(n)?)));
            let (d, why) = match names.filter(|(a, b)| key(a) != key(b)) {
                Some(names) => (
                    key_of_two_projects(schema, (&r, key_field), (at, label, &id), names),
                    Refusal::RepeatedKey(format!("{label} {id}")),
                ),
                None => (
                    Diagnostic::new(
                        Code::DuplicateProject,
                        location(&r, key_field),
                        format!("{label} {id} 重复，首次出现在 {at}，此行未采用"),
                    )
                    .with_hint(format!("每个项目在{}中只能出现一次", schema.title)),
                    Refusal::WrongValue,
                ),
            };
            data.diagnostics.push(d);
            refused.push(refused_row(&r, why));
            continue;
        }
        seen.insert(k, (r.cell_ref(key_field), kept.len()));
        r.project = Some(id);
        kept.push(r);
    }
    data.tables.insert(schema.id.clone(), kept);
    if !refused.is_empty() {
        data.refused.insert(schema.id.clone(), refused);
    }
}

/// E031 at the key cell of row `r` whose key (`label` `id`) an earlier row (at `at`) has for
/// another project: both names quoted, the fix being the key.
pub(super) fn key_of_two_projects(
    schema: &TableSchema,
    (r, key_field): (&Record, &str),
    (at, label, id): (&str, &str, &str),
    (first, this): (&str, &str),
) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateProject,
        location(r, key_field),
        format!(
            "{label} {id} 重复：首次出现在 {at}，为“{first}”，本行为“{this}”，两行是不同的项目；此行未采用，“{this}”不在{}中",
            schema.title
        ),
    )
    .with_hint(format!(
        "为其中一个项目更正{label}（每个项目的{label}唯一）；更正前，报表中“{this}”的各行均不计分"
    ))
}

/// The sheets (file, sheet) of a table keyed by `key_field` every row of which repeats the key
/// of a row of another, earlier sheet of its file: each with the W042 that says it once, at its
/// first row, naming the sheet its rows repeat.
pub(super) fn copy_sheets(
    schema: &TableSchema,
    key_field: &str,
    records: &[Record],
) -> HashMap<(String, String), std::cell::Cell<Option<Diagnostic>>> {
    let row_key = |r: &Record| {
        r.get(key_field)
            .map(|v| key(&v.to_string()).to_ascii_uppercase())
    };
    // Key → the sheet of its first row, by file.
    let mut first: HashMap<(&str, String), &str> = HashMap::new();
    for r in records {
        if let Some(k) = row_key(r) {
            first
                .entry((r.file.as_str(), k))
                .or_insert(r.sheet.as_str());
        }
    }
    let mut sheets: Vec<((&str, &str), Vec<&Record>)> = Vec::new();
    for r in records {
        match sheets.last_mut() {
            Some((at, rows)) if *at == (r.file.as_str(), r.sheet.as_str()) => rows.push(r),
            _ => sheets.push(((r.file.as_str(), r.sheet.as_str()), vec![r])),
        }
    }
    let mut out = HashMap::new();
    for ((file, sheet), rows) in sheets {
        let repeated: Option<Vec<&str>> = rows
            .iter()
            .map(|r| {
                let k = row_key(r)?;
                first.get(&(file, k)).copied().filter(|s| *s != sheet)
            })
            .collect();
        let Some(of) = repeated else { continue };
        let mut of: Vec<&str> = of;
        of.dedup();
        let of = of
            .iter()
            .map(|s| format!("“{s}”"))
            .collect::<Vec<_>>()
            .join("、");
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.get(key_field).map(|v| v.to_string()))
            .collect();
        let (a, b) = (rows[0].row, rows[rows.len() - 1].row);
        let span = if a == b {
            format!("第{a}行")
        } else {
            format!("第{a}-{b}行")
        };
        let d = Diagnostic::new(
            Code::DuplicateRow,
            location(rows[0], key_field),
            format!(
                "工作表“{sheet}”的 {} 行（{span}：{}）{}工作表{of}中已有的项目，按副本或汇总表处理，此工作表未采用",
                rows.len(),
                ids.join("、"),
                if rows.len() == 1 { "为" } else { "均为" }
            ),
        )
        .with_hint(format!(
            "{}只读取工作表{of}；如“{sheet}”中有新项目或更正，请填入{of}，否则删去工作表“{sheet}”",
            schema.title
        ));
        out.insert(
            (file.to_string(), sheet.to_string()),
            std::cell::Cell::new(Some(d)),
        );
    }
    out
}
