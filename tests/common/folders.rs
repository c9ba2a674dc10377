//! Reading a folder of test files the way the page and the CLI name them.

use std::path::Path;

/// Every file under `dir`, named by its path under `dir`'s parent, as the page and CLI name them.
pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = format!("{prefix}/{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &name, out);
            } else {
                out.push((name, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    let top = dir.file_name().unwrap().to_string_lossy().into_owned();
    walk(dir, &top, &mut out);
    out
}
