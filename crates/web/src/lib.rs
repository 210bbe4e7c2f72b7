//! The analyst's web application as static files embedded in the binary: the hand-written
//! pages, styles and scripts of `assets/`, and cytoscape.js from npm (pinned by
//! `package-lock.json`, fetched at build time, never committed).
//!
//! Architecture invariant: only bytes and their media types; the server decides who may fetch
//! what, and every datum the pages show comes through the JSON API under its access rules.

mod files {
    include!(concat!(env!("OUT_DIR"), "/files.rs"));
}

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// A strong entity tag of the content.
    pub etag: &'static str,
}

/// The file at `path` (relative to the application's root, e.g. `js/main.js`).
pub fn asset(path: &str) -> Option<Asset> {
    let i = files::FILES
        .binary_search_by(|(name, _, _)| (*name).cmp(path))
        .ok()?;
    let (name, bytes, etag) = files::FILES[i];
    Some(Asset {
        bytes,
        content_type: content_type(name),
        etag,
    })
}

/// The single page every route of the application starts from.
pub fn index() -> Asset {
    asset("index.html").expect("index.html is embedded")
}

/// Every embedded path, sorted.
pub fn paths() -> impl Iterator<Item = &'static str> {
    files::FILES.iter().map(|(name, _, _)| *name)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_script_and_the_graph_library_are_embedded() {
        let index = String::from_utf8(index().bytes.to_vec()).unwrap();
        assert!(index.contains("/app/vendor/cytoscape.min.js"));
        assert!(index.contains("/app/js/main.js"));
        let cy = asset("vendor/cytoscape.min.js").unwrap();
        assert!(cy.bytes.len() > 100_000, "cytoscape.js is embedded whole");
        assert_eq!(cy.content_type, "text/javascript; charset=utf-8");
        assert!(asset("vendor/cytoscape.LICENSE.txt").is_some());
        assert!(asset("js/main.js").is_some());
        assert!(
            asset("app.css")
                .unwrap()
                .content_type
                .starts_with("text/css")
        );
        assert!(asset("../Cargo.toml").is_none());
        assert!(asset("nothing.js").is_none());
    }

    #[test]
    fn every_module_a_script_imports_is_embedded() {
        for p in paths().filter(|p| p.starts_with("js/")) {
            let text = std::str::from_utf8(asset(p).unwrap().bytes).unwrap();
            let dir = p.rsplit_once('/').map_or("", |x| x.0);
            for line in text.lines() {
                let Some(rest) = line.split(" from \"").nth(1) else {
                    continue;
                };
                let target = rest.split('"').next().unwrap();
                let mut parts: Vec<&str> = dir.split('/').collect();
                for seg in target.split('/') {
                    match seg {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        s => parts.push(s),
                    }
                }
                let resolved = parts.join("/");
                assert!(
                    asset(&resolved).is_some(),
                    "{p} imports {target}, which is not embedded ({resolved})"
                );
            }
        }
    }
}
