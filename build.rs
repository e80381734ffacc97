//! Compiles the bundled `pimap` theme into the binary, so that any site using the default theme
//! builds without a copy of `themes/pimap/` of its own.
use std::path::Path;

fn main() {
    let theme = Path::new("themes/pimap");
    println!("cargo:rerun-if-changed=themes/pimap");
    let mut files = Vec::new();
    if theme.is_dir() {
        collect(theme, theme, &mut files);
    }
    files.sort();
    let mut code = String::from(
        "/// Files of the bundled theme: (path inside the theme, bytes).\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for rel in &files {
        let abs = theme.join(rel).canonicalize().expect("theme file path");
        println!("cargo:rerun-if-changed={}", abs.display());
        code.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_theme.rs");
    std::fs::write(out, code).expect("write embedded theme list");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
