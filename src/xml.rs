//! XML helpers shared by the readers of spreadsheet archives (the ODS merged cells in ingest, the
//! city template's column widths in the rules).

use quick_xml::events::BytesStart;

/// The value of attribute `name` (its full, prefixed name: `table:name`, `r:id`) of tag `e`, with
/// entities resolved and white space normalised; `None` when it is missing or malformed.
pub(crate) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::attr;
    use quick_xml::events::BytesStart;

    #[test]
    fn reads_an_attribute_by_its_full_name() {
        let e = BytesStart::from_content(r#"sheet name="月报 &amp; 周报" r:id="rId2""#, 5);
        for (name, want) in [
            ("name", Some("月报 & 周报")),
            ("r:id", Some("rId2")),
            ("id", None),
        ] {
            assert_eq!(attr(&e, name).as_deref(), want, "{name}");
        }
    }
}
