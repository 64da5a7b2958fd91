// Writes a benchmark's figures into BENCHMARKS.md; included by `report.rs` and by
// benches that need only this.

/// Replaces the section between `<!-- name -->` markers in BENCHMARKS.md at the
/// workspace root, keeping the rest of the file.
pub fn write_section(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md");
    let current = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| "# Benchmarks\n\nFigures written by the benchmarks themselves; each section names its command.\n".into());
    let (open, close) = (format!("<!-- {name} -->"), format!("<!-- /{name} -->"));
    let block = format!("{open}\n{text}{close}");
    let updated = match (current.find(&open), current.find(&close)) {
        (Some(a), Some(b)) => format!("{}{block}{}", &current[..a], &current[b + close.len()..]),
        _ => format!("{}\n\n{block}\n", current.trim_end()),
    };
    std::fs::write(path, updated).unwrap();
}
