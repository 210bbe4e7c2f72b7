//! The workspace's layers, checked: every crate depends (outside tests) only on the crates its
//! layer may use, so every arrow points down. ARCHITECTURE.md draws the same table.

use std::collections::BTreeMap;
use std::path::Path;

/// Each crate and the project crates it may depend on.
const MAY_DEPEND_ON: &[(&str, &[&str])] = &[
    // The pure domain.
    ("model", &[]),
    ("normalize", &["model"]),
    ("resolve", &["model", "normalize"]),
    ("score", &["model", "normalize"]),
    ("access", &["model"]),
    ("audit", &[]),
    // Adapters the use-cases drive.
    ("store", &["model"]),
    ("ingest", &["model", "normalize"]),
    ("sim", &["model"]),
    ("web", &[]),
    ("report", &[]),
    // The use-cases.
    (
        "app",
        &[
            "model",
            "normalize",
            "resolve",
            "score",
            "access",
            "audit",
            "store",
            "ingest",
            "report",
        ],
    ),
    // The edges.
    (
        "server",
        &["app", "access", "audit", "model", "store", "web", "report"],
    ),
    (
        "interdict",
        &[
            "app",
            "server",
            "sim",
            "model",
            "normalize",
            "ingest",
            "store",
            "resolve",
            "score",
        ],
    ),
];

fn project_dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let Some(deps) = doc.get("dependencies").and_then(|d| d.as_table()) else {
        return Vec::new();
    };
    deps.keys()
        .filter_map(|k| k.strip_prefix("interdict-"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let allowed: BTreeMap<&str, &[&str]> = MAY_DEPEND_ON.iter().copied().collect();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(crates).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        if !manifest.exists() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some(may) = allowed.get(name.as_str()) else {
            panic!("crates/{name} is in no layer: add it to MAY_DEPEND_ON and ARCHITECTURE.md");
        };
        for dep in project_dependencies(&manifest) {
            assert!(
                may.contains(&dep.as_str()),
                "crates/{name} depends on interdict-{dep}, which its layer may not use"
            );
        }
        seen.push(name);
    }
    seen.sort();
    let mut listed: Vec<&str> = allowed.keys().copied().collect();
    listed.sort();
    assert_eq!(
        seen, listed,
        "MAY_DEPEND_ON lists a crate that does not exist"
    );
}

#[test]
fn the_binary_holds_no_use_case() {
    // The binary parses arguments, draws progress and prints; everything it runs comes from
    // the library crates. Its modules are these and no more.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    modules.sort();
    assert_eq!(
        modules,
        [
            "args.rs",
            "cli.rs",
            "demo.rs",
            "ingest_cmd.rs",
            "main.rs",
            "print.rs",
            "progress.rs",
            "serve_cmd.rs"
        ]
    );
    for m in &modules {
        let text = std::fs::read_to_string(src.join(m)).unwrap();
        for forbidden in ["put_derived", "get_derived", "scan_payloads", "write_batch"] {
            assert!(
                !text.contains(forbidden),
                "crates/interdict/src/{m} reaches into the store ({forbidden}): that is a use-case"
            );
        }
    }
}

/// Every test file of the workspace: Rust tests and the browser tests' scripts.
fn test_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "node_modules") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs" || x == "mjs") {
                out.push(p);
            }
        }
    }
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut out = Vec::new();
    for c in std::fs::read_dir(crates).unwrap().flatten() {
        walk(&c.path().join("tests"), &mut out);
    }
    out
}

#[test]
fn no_test_skips_itself_when_something_is_missing() {
    // A test whose dependency is missing fails and says how to get it; it never reports `ok`
    // without having run. The words are built here so this file does not match itself.
    let words = [
        format!("{}ped", "skip"),
        format!("env::var_os(\"{}\")", "CI"),
        format!("env::var(\"{}\")", "CI"),
        format!("#[{}]", "ignore"),
        format!("test.{}(", "skip"),
        format!("{}: true", "skip"),
    ];
    let files = test_files();
    assert!(files.len() > 10, "found only {} test files", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            // Comments may speak of skipping (a reader skipping corrupted lines, say).
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with('*') {
                continue;
            }
            for w in &words {
                assert!(
                    !line.contains(w.as_str()),
                    "{}:{}: {w:?}: a test must fail, not skip, when what it needs is missing",
                    f.display(),
                    n + 1
                );
            }
        }
    }
}
