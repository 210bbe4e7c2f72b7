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
        ],
    ),
    // The edges.
    (
        "server",
        &["app", "access", "audit", "model", "store", "web"],
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
