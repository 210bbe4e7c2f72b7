//! The web application in a real browser: `interdict demo` simulates a joint operation and
//! registers its organisations and users, the users get passwords, `interdict serve` serves the
//! result, and the browser tests (`crates/web/tests/`, Node's test runner driving Debian's
//! chromium through playwright-core) sign in as each of them and check every page against the
//! API. A screenshot of every page is kept in `target/web-screenshots/`.
//!
//! Needs chromium on the PATH (`apt-get install chromium`, or `CHROMIUM=/path/to/chromium`) and Node.js with
//! npm; without them it fails, saying what to install. It installs its npm packages itself when
//! the checkout has none. `INTERDICT_WEB_SHIPMENTS` changes the size of the simulated operation.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::{Killed, serve};
use common::{json, repo_root, run_ok, s};
use rand::Rng;

/// Writes to the terminal even while the test harness captures output, beside the browser
/// tests' own output.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Shipments in the simulated operation: enough that customs-uk's officer has more than
/// 10,000 in the queue.
const SHIPMENTS: usize = 20_000;

/// The users `interdict demo` registers: (user, organisation, role).
const USERS: &[(&str, &str, &str)] = &[
    ("officer.uk", "customs-uk", "officer"),
    ("analyst.uk", "customs-uk", "analyst"),
    ("analyst.swift", "carrier-swift", "analyst"),
    ("analyst.bazaar", "mkt-bazaar", "analyst"),
    ("analyst.emporium", "mkt-emporium", "analyst"),
    ("rep.altus", "brand-altus", "brand_rep"),
    ("rep.corvid", "brand-corvid", "brand_rep"),
    ("analyst.ipcc", "ipcc", "analyst"),
    ("auditor.ipcc", "ipcc", "auditor"),
    ("admin.ipcc", "ipcc", "admin"),
];

/// The longest the browser tests may run before they are stopped.
const NODE_TIMEOUT: Duration = Duration::from_secs(600);

/// The Chromium to drive: `CHROMIUM` when set, else the first `chromium` (Debian's name) or
/// `chromium-browser` on the PATH. Without one the test fails, saying how to get it.
fn find_chromium() -> PathBuf {
    if let Some(c) = std::env::var_os("CHROMIUM").filter(|c| !c.is_empty()) {
        let c = PathBuf::from(c);
        assert!(
            c.is_file(),
            "the browser tests need Chromium, and CHROMIUM={} is not a file",
            c.display()
        );
        return c;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "the browser tests need Chromium and none is on the PATH: install it with `apt-get install chromium`, or set CHROMIUM to a Chromium binary"
    );
}

/// Where the browser tests run from: the checkout's `crates/web` when `npm ci` ran there;
/// otherwise a copy of the tests beside the npm packages (pinned by `package-lock.json`)
/// installed into the build's own folder, as the build installs cytoscape.js. Whatever cannot be
/// installed from here (Chromium, Node.js) fails the test with one line that says how to get it.
fn browser_test_dir(root: &Path) -> PathBuf {
    let has = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    assert!(
        has("node") && has("npm"),
        "the browser tests need Node.js and npm on the PATH: install them with `apt-get install nodejs npm`"
    );
    let web = root.join("crates/web");
    if web
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return web;
    }
    let dir = target_dir().join("web-npm");
    let lock = std::fs::read(web.join("package-lock.json")).expect("crates/web/package-lock.json");
    let stamp = dir.join("installed-from.lock");
    if std::fs::read(&stamp).ok().as_deref() != Some(&lock[..])
        || !dir
            .join("node_modules/playwright-core/package.json")
            .is_file()
    {
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["package.json", "package-lock.json"] {
            std::fs::copy(web.join(f), dir.join(f)).unwrap();
        }
        let out = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("npm starts");
        assert!(
            out.status.success(),
            "`npm ci` of the browser tests' packages in {} failed (it needs the npm registry once): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        std::fs::write(&stamp, &lock).unwrap();
    }
    // The tests import playwright-core, which node finds beside the files it runs.
    let tests = dir.join("tests");
    std::fs::create_dir_all(&tests).unwrap();
    for e in std::fs::read_dir(web.join("tests")).unwrap().flatten() {
        std::fs::copy(e.path(), tests.join(e.file_name())).unwrap();
    }
    dir
}

/// The build's target folder: `CARGO_TARGET_DIR` when it is set to an absolute path, else the
/// folder above this test binary that cargo marked as its target folder.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from)
        && dir.is_absolute()
    {
        return dir;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .skip(1)
        .find(|d| d.join("CACHEDIR.TAG").is_file())
        .or_else(|| exe.ancestors().nth(3))
        .expect("the target folder above the test binary")
        .to_path_buf()
}

fn password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn set_password(db: &Path, user: &str, pw: &str) {
    let out = common::set_password(db, user, pw);
    assert!(
        out.status.success(),
        "setting the password of {user} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Checks that `interdict demo` registered the organisations and users the browser tests sign in as.
fn assert_demo_users(db: &Path) {
    let dir = json(&["admin", "list", "--db", s(db), "--json"]);
    let users = dir["users"].as_array().expect("a list of users");
    for (name, org, role) in USERS {
        let u = users
            .iter()
            .find(|u| u["name"] == *name)
            .unwrap_or_else(|| panic!("`interdict demo` did not register the user {name}"));
        assert_eq!(u["org"], *org, "{name}'s organisation");
        assert_eq!(u["role"], *role, "{name}'s role");
    }
}

#[test]
fn the_web_application_works_in_a_browser() {
    let started = Instant::now();
    let root = repo_root().canonicalize().expect("the repository's folder");
    let chromium = find_chromium();
    let test_dir = browser_test_dir(&root);

    let shots = target_dir().join("web-screenshots");
    if shots.exists() {
        for e in std::fs::read_dir(&shots).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "png") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    std::fs::create_dir_all(&shots).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("interdict.db");
    let world = dir.path().join("world");
    let shipments = std::env::var("INTERDICT_WEB_SHIPMENTS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(SHIPMENTS);
    let t = Instant::now();
    run_ok(&[
        "demo",
        "--shipments",
        &shipments.to_string(),
        "--db",
        s(&db),
        "--world",
        s(&world),
    ]);
    assert_demo_users(&db);
    let pw = password();
    for (user, _, _) in USERS {
        set_password(&db, user, &pw);
    }
    let prepared = t.elapsed();
    say!(
        "web: simulated {shipments} shipments, ingested, resolved, scored and gave {} users passwords in {:.1} s",
        USERS.len(),
        prepared.as_secs_f64()
    );

    let t = Instant::now();
    let server = serve(&db, &dir.path().join("audit.anchor"), &[]);
    say!(
        "web: serving on http://{} (up in {:.1} s); screenshots go to {}",
        server.addr,
        t.elapsed().as_secs_f64(),
        shots.display()
    );

    let t = Instant::now();
    let node = Command::new("node")
        .args(["--test", "--test-reporter=spec", "tests/"])
        .current_dir(&test_dir)
        .env("INTERDICT_URL", format!("http://{}", server.addr))
        .env("INTERDICT_PASSWORD", &pw)
        .env("INTERDICT_SCREENSHOTS", &shots)
        .env("CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");
    let mut node = Killed {
        child: node,
        what: "the browser tests",
    };
    let status = loop {
        if let Some(status) = node.child.try_wait().expect("waiting for node") {
            break status;
        }
        assert!(
            t.elapsed() < NODE_TIMEOUT,
            "the browser tests ran longer than {} s and were stopped; the server's last log lines:\n{}",
            NODE_TIMEOUT.as_secs(),
            server.log_tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    say!(
        "web: the browser tests took {:.1} s; everything {:.1} s",
        t.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        status.success(),
        "the browser tests failed ({status}); screenshots in {}; the server's last log lines:\n{}",
        shots.display(),
        server.log_tail()
    );
    let taken = std::fs::read_dir(&shots)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .count();
    assert!(taken > 0, "no screenshot in {}", shots.display());
}
