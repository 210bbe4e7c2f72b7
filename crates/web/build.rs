//! Embeds the web application: every file under `assets/`, and cytoscape.js taken from npm
//! (`package-lock.json` pins it; it is never committed). A checkout where `npm ci` already ran
//! uses its `node_modules`; otherwise the package is installed into the build's own folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    for f in ["package.json", "package-lock.json", "assets"] {
        println!("cargo:rerun-if-changed={}", here.join(f).display());
    }
    let cytoscape = cytoscape_dir(&here, &out);
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    collect(&here.join("assets"), "", &mut files);
    files.push((
        "vendor/cytoscape.min.js".into(),
        cytoscape.join("dist/cytoscape.min.js"),
    ));
    files.push((
        "vendor/cytoscape.LICENSE.txt".into(),
        cytoscape.join("LICENSE"),
    ));
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &[u8], &str)] = &[\n");
    for (name, path) in &files {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?}), \"{:016x}\"),",
            path.display().to_string(),
            fnv(&bytes)
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("files.rs"), code).expect("writing the asset table");
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let rel = format!("{prefix}{name}");
        if path.is_dir() {
            collect(&path, &format!("{rel}/"), out);
        } else {
            out.push((rel, path));
        }
    }
}

/// The installed cytoscape package: the checkout's, or one installed under `OUT_DIR`.
fn cytoscape_dir(here: &Path, out: &Path) -> PathBuf {
    let local = here.join("node_modules/cytoscape");
    if local.join("dist/cytoscape.min.js").exists() {
        return local;
    }
    let npm_dir = out.join("npm");
    let installed = npm_dir.join("node_modules/cytoscape");
    let lock = std::fs::read(here.join("package-lock.json")).expect("package-lock.json");
    let stamp = npm_dir.join("installed-from.lock");
    if installed.join("dist/cytoscape.min.js").exists()
        && std::fs::read(&stamp).ok().as_deref() == Some(&lock[..])
    {
        return installed;
    }
    std::fs::create_dir_all(&npm_dir).expect("making the npm folder");
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(here.join(f), npm_dir.join(f)).expect("copying the package files");
    }
    let status = Command::new("npm")
        .args([
            "ci",
            "--omit=dev",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
        ])
        .current_dir(&npm_dir)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "`npm ci` for the web application's cytoscape.js failed ({s}); it needs the npm registry once, then its cache"
        ),
        Err(e) => panic!(
            "the web application needs npm (Node.js) at build time to fetch cytoscape.js: {e}"
        ),
    }
    std::fs::write(&stamp, &lock).expect("stamping the npm install");
    installed
}

/// FNV-1a, for the entity tags the server sends with each file.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
