//! The shared platform from the attacker's side: four organisations, records under every TLP
//! marking, and for every route of the API exactly what each organisation and role sees. The
//! test reads the routes from the server's own OpenAPI document and fails on one it does not
//! cover.

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;

use common::server::{Server, serve};
use common::{bin, run, run_ok, s, session_cookie, set_password};
use serde_json::{Value, json};

const HEADER: &str = "source_id,carrier,arrival,origin_country,export_country,port_of_arrival,shipper.name,shipper.emails,shipper.address.country,consignee.name,consignee.address.text,consignee.address.country,items.description,items.hs_code,items.quantity,items.value";

/// (file, marking, sharing group, row)
const SHIPMENTS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "amber.csv",
        "AMBER",
        Some("ops"),
        "S-AMB,swift,2026-03-02,CN,CN,LHR,Star Trading Ltd,star@trade.cn,CN,John Doe,1 High St,GB,NIKE shoes,640399,2,8 USD",
    ),
    (
        "strict.csv",
        "AMBER+STRICT",
        None,
        "S-STR,swift,2026-03-02,CN,CN,LHR,Moon Trading Ltd,moon@trade.cn,CN,Mary Major,2 Low St,GB,N1KE sneakers,640399,3,9 USD",
    ),
    (
        "green.csv",
        "GREEN",
        None,
        "S-GRN,swift,2026-03-02,VN,VN,LHR,Green Leaf Co,leaf@green.vn,VN,Ann Green,3 Park Rd,GB,tea,090210,1,20 USD",
    ),
    (
        "clear.csv",
        "CLEAR",
        None,
        "S-CLR,swift,2026-03-02,US,US,LHR,Clear Water LLC,info@clear.us,US,Carl Clear,4 Lake Rd,GB,books,490199,1,30 USD",
    ),
    (
        "red.csv",
        "RED",
        Some("redlist"),
        "S-RED,swift,2026-03-02,CN,CN,LHR,Red Dragon Export,red@dragon.cn,CN,Rita Red,5 Hill Rd,GB,gift,950300,50,5 USD",
    ),
    // One sender twice: an AMBER shipment that customs seized, then a GREEN one that everybody
    // sees, whose reasons cite the seizure.
    (
        "amber2.csv",
        "AMBER",
        Some("ops"),
        "S-AM2,swift,2026-03-01,CN,CN,LHR,Sun Export Co,sun@export.cn,CN,Sam Hill,8 Oak Rd,GB,watches,910211,1,6 USD",
    ),
    (
        "green2.csv",
        "GREEN",
        None,
        "S-GR2,swift,2026-03-06,CN,CN,LHR,Sun Export Co,sun@export.cn,CN,Gail Day,9 Elm Rd,GB,watches,910211,1,6 USD",
    ),
];

fn start(db: &Path, anchor: &Path) -> Server {
    start_with(db, anchor, &[])
}

fn start_with(db: &Path, anchor: &Path, extra: &[&str]) -> Server {
    serve(db, anchor, extra)
}

struct Reply {
    status: u16,
    body: Value,
}

fn request(
    addr: &str,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(k) = key {
        req.push_str(&format!("Authorization: Bearer {k}\r\n"));
    }
    let payload = body.map(|(ct, b)| {
        req.push_str(&format!(
            "Content-Type: {ct}\r\nContent-Length: {}\r\n",
            b.len()
        ));
        b.to_vec()
    });
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    if let Some(p) = payload {
        stream.write_all(&p).unwrap();
    }
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").expect("a whole response");
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut r = rest;
        while let Some((size, tail)) = r.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            out.push_str(&tail[..n]);
            r = &tail[n + 2..];
        }
        out
    } else {
        rest.to_string()
    };
    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Reply { status, body }
}

/// A request with any headers; gives the status, the head and the body as text.
fn request_raw(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), rest.to_string())
}

fn get(addr: &str, path: &str, key: &str) -> Reply {
    request(addr, "GET", path, Some(key), None)
}

struct World {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    anchor: std::path::PathBuf,
    keys: std::collections::BTreeMap<&'static str, String>,
}

/// The four organisations and their records, in the store `db_in` names inside a new folder.
fn world(db_in: impl FnOnce(&Path) -> std::path::PathBuf) -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let d = s(&db);
    let reports = dir.path().join("reports");
    let reports = s(&reports).to_string();
    for (org, kind) in [
        ("carrier", "carrier"),
        ("customs", "customs"),
        ("brandco", "brand"),
        ("centre", "coordinator"),
    ] {
        run_ok(&["admin", "org", "--db", d, org, "--kind", kind]);
    }
    let users = [
        ("carl", "carrier", "analyst"),
        ("cathy", "customs", "officer"),
        ("cora", "customs", "auditor"),
        ("bob", "brandco", "analyst"),
        ("alice", "brandco", "brand_rep"),
        ("ken", "centre", "analyst"),
        ("kay", "centre", "auditor"),
        ("dan", "customs", "admin"),
        ("cam", "centre", "admin"),
        ("dora", "customs", "analyst"),
    ];
    for (u, org, role) in users {
        run_ok(&["admin", "user", "--db", d, u, "--org", org, "--role", role]);
    }
    let mut pw = bin()
        .args(["admin", "password", "--db", d, "--user", "ken"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    pw.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    assert!(pw.wait().unwrap().success());
    run_ok(&[
        "admin",
        "group",
        "--db",
        d,
        "ops",
        "--members",
        "customs,carrier",
    ]);
    run_ok(&[
        "admin",
        "group",
        "--db",
        d,
        "redlist",
        "--members",
        "centre,user:alice",
    ]);
    for (file, marking, group, row) in SHIPMENTS {
        let path = dir.path().join(file);
        std::fs::write(&path, format!("{HEADER}\n{row}\n")).unwrap();
        let mut args = vec![
            "ingest",
            "--reports",
            &reports,
            "--db",
            d,
            "--org",
            "carrier",
            "--feed",
            "shipments",
            "--marking",
            marking,
        ];
        if let Some(g) = group {
            args.extend(["--sharing-group", g]);
        }
        args.push(s(&path));
        run_ok(&args);
    }
    let out = dir.path().join("out.csv");
    std::fs::write(
        &out,
        "source_id,result,date,shipment_id,brand\nINS-1,seized_counterfeit,2026-03-01,S-AMB,Nike\nINS-5,seized_counterfeit,2026-03-02,S-AM2,Rolex\n",
    )
    .unwrap();
    ingest_customs_outcomes(d, &reports, &out);
    let brand = dir.path().join("brand.csv");
    std::fs::write(&brand, "source_id,name,marks,categories,genuine_origins,price_floors.category,price_floors.price\nBR-NIKE,Nike,NIKE,footwear,VN,footwear,60 USD\n").unwrap();
    run_ok(&[
        "ingest",
        "--reports",
        &reports,
        "--db",
        d,
        "--org",
        "brandco",
        "--feed",
        "brands",
        "--marking",
        "GREEN",
        s(&brand),
    ]);
    // Brandco uploaded Nike and a coordinator checked that it owns it.
    run_ok(&["admin", "brand", "--db", d, "Nike", "--org", "brandco"]);
    run_ok(&["resolve", "--db", d]);
    run_ok(&["score", "--db", d]);
    let mut keys = std::collections::BTreeMap::new();
    for (u, _, _) in users {
        let token = run_ok(&["admin", "key", "--db", d, "--user", u]);
        keys.insert(u, token.trim().to_string());
    }
    World {
        anchor: dir.path().join("audit.anchor"),
        db,
        _dir: dir,
        keys,
    }
}

fn actor_of(db: &Path, party: &str) -> String {
    let text = run_ok(&["export", "actors", "--db", s(db)]);
    text.lines()
        .find(|l| l.contains(party))
        .and_then(|l| l.split(',').next_back())
        .unwrap_or_else(|| panic!("no actor for {party} in\n{text}"))
        .trim()
        .to_string()
}

/// Which of the five shipments each user sees in full.
fn expected_full(user: &str) -> BTreeSet<&'static str> {
    let ids: &[&str] = match user {
        "carl" => &[
            "S-AMB", "S-STR", "S-GRN", "S-CLR", "S-RED", "S-AM2", "S-GR2",
        ],
        "cathy" | "dan" => &["S-AMB", "S-GRN", "S-CLR", "S-AM2", "S-GR2"],
        "bob" => &["S-GRN", "S-CLR", "S-GR2"],
        "alice" => &["S-GRN", "S-CLR", "S-RED", "S-GR2"],
        "ken" => &["S-GRN", "S-CLR", "S-RED", "S-GR2"],
        _ => &[],
    };
    ids.iter().copied().collect()
}

#[test]
fn every_route_shows_each_organisation_exactly_what_its_markings_allow() {
    let w = world(|dir| dir.join("platform.db"));
    access_matrix(&w);
    sessions_outlive_a_restart_and_are_shared_by_two_servers(&w);
    a_stopped_server_keeps_its_read_model_for_the_next_start(&w);
    two_servers_and_the_command_line_see_each_others_writes(&w);
    an_upload_to_one_server_is_scored_in_both(&w);
    derived_views_and_writes_give_an_attacker_nothing(&w);
    scores_rest_on_what_each_organisation_may_see(&w);
    credentials_and_sign_ins_hold(&w);
    tampering_is_found(&w);
}

/// The same matrix with the store on PostgreSQL, in a schema of its own.
#[test]
fn the_access_matrix_holds_on_postgresql() {
    let url = std::env::var("INTERDICT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let scratch = interdict_store::PostgresStore::scratch(&url).unwrap_or_else(|e| {
        panic!("PostgreSQL at {url} is needed for this test (set INTERDICT_TEST_POSTGRES): {e}")
    });
    let schema = scratch.schema().expect("a scratch schema").to_string();
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let w = world(|_| std::path::PathBuf::from(db));
    access_matrix(&w);
    sessions_outlive_a_restart_and_are_shared_by_two_servers(&w);
    a_stopped_server_keeps_its_read_model_for_the_next_start(&w);
    two_servers_and_the_command_line_see_each_others_writes(&w);
    an_upload_to_one_server_is_scored_in_both(&w);
    derived_views_and_writes_give_an_attacker_nothing(&w);
    scores_rest_on_what_each_organisation_may_see(&w);
    credentials_and_sign_ins_hold(&w);
    drop(scratch);
}

/// Polls the outcomes `user` sees on S-GRN through `addr` until `want` holds; gives how long
/// that took.
fn until_outcomes(
    addr: &str,
    key: &str,
    what: &str,
    want: impl Fn(&[String]) -> bool,
) -> std::time::Duration {
    let t = std::time::Instant::now();
    loop {
        let r = get(addr, "/api/v1/shipments/carrier/S-GRN", key);
        let keys: Vec<String> = r.body["outcomes"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", r.body))
            .iter()
            .map(|o| o["key"].as_str().unwrap().to_string())
            .collect();
        if want(&keys) {
            return t.elapsed();
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "{what}: still {keys:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Ingests one customs outcome (a CSV row of source id, result, date and shipment id) with
/// `interdict ingest` beside any running server, AMBER and shared with `ops`.
fn ingest_customs_outcome(w: &World, dir: &Path, row: &str) {
    let file = dir.join("outcome.csv");
    std::fs::write(&file, format!("source_id,result,date,shipment_id\n{row}\n")).unwrap();
    ingest_customs_outcomes(s(&w.db), s(&dir.join("reports")), &file);
}

/// Ingests a file of customs outcomes into `db`, AMBER and shared with `ops`.
fn ingest_customs_outcomes(db: &str, reports: &str, file: &Path) {
    run_ok(&[
        "ingest",
        "--reports",
        reports,
        "--db",
        db,
        "--org",
        "customs",
        "--feed",
        "outcomes",
        "--marking",
        "AMBER",
        "--sharing-group",
        "ops",
        s(file),
    ]);
}

/// A server asked to stop keeps its read model for the next start, which answers as before
/// and takes in what landed while no server ran; a damaged snapshot is set aside and the
/// read model built from the store.
fn a_stopped_server_keeps_its_read_model_for_the_next_start(w: &World) {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("read-model.view");
    let args = ["--view-cache", s(&snapshot)];
    let cathy = &w.keys["cathy"];
    let queue = |addr: &str| get(addr, "/api/v1/queue?limit=100", cathy).body;

    let first = start_with(&w.db, &w.anchor, &args);
    let before = queue(&first.addr);
    assert!(before["total"].as_u64().unwrap() > 0, "{before}");
    let log = first.stop();
    let kept = std::fs::metadata(&snapshot).map(|m| m.len()).unwrap_or(0);
    assert!(kept > 0, "no snapshot was kept; the server's log:\n{log}");

    let second = start_with(&w.db, &w.anchor, &args);
    assert_eq!(
        queue(&second.addr),
        before,
        "read back, it answers as before"
    );
    second.stop();

    // An outcome lands while no server runs.
    ingest_customs_outcome(w, dir.path(), "SNAP-1,released,2026-03-08,S-GRN");
    let landed = "customs/outcomes/SNAP-1".to_string();
    let third = start_with(&w.db, &w.anchor, &args);
    until_outcomes(&third.addr, cathy, "an outcome landed while stopped", |k| {
        k.contains(&landed)
    });
    let after = queue(&third.addr);
    drop(third); // killed: the snapshot it started from stays

    std::fs::write(&snapshot, b"not what a server wrote").unwrap();
    let fourth = start_with(&w.db, &w.anchor, &args);
    until_outcomes(
        &fourth.addr,
        cathy,
        "a start past a damaged snapshot",
        |k| k.contains(&landed),
    );
    assert_eq!(
        queue(&fourth.addr),
        after,
        "built from the store, it answers the same"
    );
}

/// Two server processes on one store, and the command line beside them: an outcome recorded
/// through one server is on the shipment in the other, a withdrawal through the second leaves
/// the first, and an outcome ingested from a file by `ingest` reaches both, without a restart.
fn two_servers_and_the_command_line_see_each_others_writes(w: &World) {
    let first = start(&w.db, &w.anchor);
    let second = start(&w.db, &w.anchor);
    let cathy = &w.keys["cathy"];
    let body = serde_json::json!({"marking": "AMBER", "sharing_group": "ops", "records": [
        {"source_id": "LIVE-1", "result": "released", "date": "2026-03-06", "shipment_id": "S-GRN"}
    ]})
    .to_string();
    let r = request(
        &first.addr,
        "POST",
        "/api/v1/outcomes",
        Some(cathy),
        Some(("application/json", body.as_bytes())),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let live = "customs/outcomes/LIVE-1".to_string();
    let took = until_outcomes(&second.addr, cathy, "the other server", |k| {
        k.contains(&live)
    });
    eprintln!("an outcome through one server was on the shipment in the other after {took:?}");
    let r = request(
        &second.addr,
        "POST",
        "/api/v1/outcomes/LIVE-1/withdraw",
        Some(cathy),
        Some((
            "application/json",
            br#"{"reason": "recorded on the wrong parcel"}"#,
        )),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    until_outcomes(
        &first.addr,
        cathy,
        "a withdrawal on the other server",
        |k| !k.contains(&live),
    );

    let dir = tempfile::tempdir().unwrap();
    ingest_customs_outcome(w, dir.path(), "LATE-1,seized_counterfeit,2026-03-07,S-GRN");
    let late = "customs/outcomes/LATE-1".to_string();
    for server in [&first, &second] {
        until_outcomes(
            &server.addr,
            cathy,
            "an outcome ingested beside the servers",
            |k| k.contains(&late),
        );
    }
}

/// Waits until the server's live state (scoring on request) is loaded.
fn until_live(addr: &str, key: &str) {
    let t = std::time::Instant::now();
    let body = br#"{"feed":"shipments","record":{"source_id":"P"}}"#;
    while request(
        addr,
        "POST",
        "/api/v1/score",
        Some(key),
        Some(("application/json", body.as_slice())),
    )
    .status
        != 200
    {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30),
            "the live state never loaded"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A shipment uploaded to one server is resolved and scored as it lands: the upload's answer
/// says so, the shipment is in that server's read model with its score and actors when the
/// answer comes, and in the other server's within seconds, with the same actors. A shipment
/// uploaded to the second, naming the same shipper, joins the actor the first one made.
fn an_upload_to_one_server_is_scored_in_both(w: &World) {
    let first = start(&w.db, &w.anchor);
    let second = start(&w.db, &w.anchor);
    let carl = &w.keys["carl"];
    until_live(&first.addr, carl);
    until_live(&second.addr, carl);
    let upload = |addr: &str, id: &str| {
        let csv = format!(
            "source_id,arrival,origin_country,port_of_arrival,shipper.name,shipper.emails,consignee.name,items.description,items.value\n\
             {id},2026-03-09,CN,LHR,Harbour Lantern Export Ltd,orders@harbourlantern.cn,Ann {id},NIKE AIR trainers,9 USD\n"
        );
        let r = request(
            addr,
            "POST",
            "/api/v1/feeds/shipments?marking=GREEN",
            Some(carl),
            Some(("text/csv", csv.as_bytes())),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (&r.body["landed"], &r.body["resolved"], &r.body["scored"]),
            (&json!(1), &json!(2), &json!(1)),
            "{}",
            r.body
        );
    };
    let shipper = |addr: &str, id: &str| -> Option<String> {
        let r = get(addr, &format!("/api/v1/shipments/carrier/{id}"), carl);
        if r.status != 200 || r.body["score"].is_null() {
            return None;
        }
        r.body["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["role"] == "shipper")
            .and_then(|p| p["actor"].as_str())
            .map(str::to_owned)
    };
    upload(&first.addr, "ARR-A");
    let made = shipper(&first.addr, "ARR-A")
        .expect("scored, with its shipper's actor, when the upload answers");
    let t = std::time::Instant::now();
    loop {
        if let Some(a) = shipper(&second.addr, "ARR-A") {
            assert_eq!(a, made, "the same actor in the other server");
            break;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "the other server never showed the arrival"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    eprintln!(
        "an upload to one server was scored in the other after {:?}",
        t.elapsed()
    );
    upload(&second.addr, "ARR-B");
    assert_eq!(
        shipper(&second.addr, "ARR-B").as_deref(),
        Some(made.as_str()),
        "the second server's live state took in the actor the first made"
    );
}

/// A browser session lives in the store: a second server process knows it, a restarted one
/// still does, and signing out on one ends it on the other within seconds.
fn sessions_outlive_a_restart_and_are_shared_by_two_servers(w: &World) {
    let me =
        |addr: &str, jar: &str| request_raw(addr, "GET", "/api/v1/me", &[("Cookie", jar)], b"").0;
    let first = start(&w.db, &w.anchor);
    let second = start(&w.db, &w.anchor);
    let body = serde_json::json!({"user": "ken", "password": "correct horse battery"}).to_string();
    let (status, head, _) = request_raw(
        &first.addr,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(status, 200, "{}", first.log_tail());
    let jar = session_cookie(&head).expect("a session cookie");
    assert_eq!(
        me(&second.addr, &jar),
        200,
        "the other server knows the session"
    );
    drop(first);
    let restarted = start(&w.db, &w.anchor);
    assert_eq!(me(&restarted.addr, &jar), 200, "a restart signs nobody out");
    let (status, _, _) = request_raw(
        &second.addr,
        "DELETE",
        "/api/v1/session",
        &[("Cookie", &jar)],
        b"",
    );
    assert_eq!(status, 204);
    assert_eq!(me(&second.addr, &jar), 401);
    let t = std::time::Instant::now();
    while me(&restarted.addr, &jar) != 401 {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "a session ended on one server still works on the other"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// A pack whose one rule fires on every shipment: its back-test counts what the caller's
/// back-test reads.
const PROBE_PACK: &str = r#"name = "probe"
version = 1

[[rule]]
name = "every-shipment"
when = "total_value_usd >= 0.0"
weight = 0.1
reason = "probe"
applies_to = "shipment"
"#;

/// The derived and write paths from the attacker's side: back-tests count only what the caller
/// sees, outcomes attach only to records their organisation sees (so nobody writes onto a
/// hidden record nor learns that it exists by trying), metrics count no records, and search
/// costs a bounded amount.
fn derived_views_and_writes_give_an_attacker_nothing(w: &World) {
    let server = start(&w.db, &w.anchor);
    let a = server.addr.as_str();
    let k = |u: &str| w.keys[u].clone();
    let post = |u: &str, path: &str, body: &Value| {
        request(
            a,
            "POST",
            path,
            Some(&k(u)),
            Some(("application/json", body.to_string().as_bytes())),
        )
    };

    // Back-tests: each caller's counts rest on the shipments and outcomes it sees in full.
    let probe = serde_json::json!({ "pack": PROBE_PACK });
    let counts = |u: &str| {
        let r = post(u, "/api/v1/rules/test", &probe);
        assert_eq!(r.status, 200, "{u}: {}", r.body);
        let rule = &r.body["rules"][0];
        (
            rule["fires"].as_u64().unwrap(),
            rule["labelled"].as_u64().unwrap(),
            rule["counterfeit"].as_u64().unwrap(),
        )
    };
    // Each fires on exactly the shipments of its own queue (every shipment it sees in full),
    // and counts as labelled exactly those with an outcome it sees (the queue's decided ones).
    let seen = |u: &str| {
        let total = |status: &str| {
            let q = get(a, &format!("/api/v1/queue?status={status}"), &k(u)).body;
            q["total"].as_u64().unwrap_or_else(|| panic!("{q}"))
        };
        let all = total("all");
        (all, all - total("open"))
    };
    let mut fired = std::collections::BTreeMap::new();
    for u in ["carl", "bob", "ken"] {
        let (fires, labelled, counterfeit) = counts(u);
        assert_eq!((fires, labelled), seen(u), "{u}");
        fired.insert(u, (fires, labelled, counterfeit));
    }
    // The carrier owns every shipment and shares the customs seizures' group.
    let (fires, labelled, counterfeit) = fired["carl"];
    assert!(
        labelled >= 2 && counterfeit >= 2,
        "{labelled} {counterfeit}"
    );
    // The brand sees the GREEN and CLEAR shipments and none of customs' AMBER seizures; the
    // centre sees the RED shipment too.
    assert!(fired["bob"].0 >= 3 && fired["bob"].0 < fires);
    assert_eq!(fired["ken"].0, fired["bob"].0 + 1);
    assert!(fired["bob"].1 < labelled);
    let tests = post("bob", "/api/v1/rules/test", &probe);
    assert!(!tests.body.to_string().contains("S-STR") && !tests.body.to_string().contains("S-AMB"));

    // Outcomes onto records their writer cannot see attach to nothing.
    let red_actor = actor_of(&w.db, "S-RED#shipper");
    let red_profile = format!("/api/v1/actors/{red_actor}");
    assert_eq!(get(a, &red_profile, &k("cathy")).status, 404);
    let strict_before = get(a, "/api/v1/shipments/carrier/S-STR", &k("carl")).body;
    let forged = post(
        "alice",
        "/api/v1/outcomes",
        &serde_json::json!({
            "marking": "GREEN",
            "records": [{"source_id": "FORGE-1", "result": "seized_counterfeit",
                         "date": "2026-03-03", "shipment_id": "S-STR", "brand": "Nike",
                         "value": "500000 GBP"}]
        }),
    );
    assert_eq!(forged.status, 200, "{}", forged.body);
    let control = format!("CTRL-{}", std::process::id());
    let posted = post(
        "cathy",
        "/api/v1/outcomes",
        &serde_json::json!({
            "marking": "GREEN",
            "records": [
                {"source_id": "FORGE-2", "result": "released", "date": "2026-03-03",
                 "shipment_id": "S-STR"},
                {"source_id": "PROBE-RED", "result": "seized_counterfeit", "date": "2026-03-03",
                 "shipment_id": "S-RED"},
                {"source_id": control, "result": "released", "date": "2026-03-03",
                 "shipment_id": "S-GRN"}
            ]
        }),
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    // The control lands on the GREEN shipment customs sees: the others were taken in too.
    let want = format!("customs/outcomes/{control}");
    until_outcomes(a, &k("carl"), "the control outcome", |keys| {
        keys.contains(&want)
    });
    let strict_after = get(a, "/api/v1/shipments/carrier/S-STR", &k("carl")).body;
    assert_eq!(
        strict_after["outcomes"], strict_before["outcomes"],
        "nothing attached to the AMBER+STRICT shipment"
    );
    let open = get(a, "/api/v1/queue?status=open&page_size=500", &k("carl")).body;
    assert!(
        open.to_string().contains("S-STR"),
        "the forged seizure did not close the owner's queue item: {open}"
    );
    assert_eq!(
        get(a, &red_profile, &k("cathy")).status,
        404,
        "an outcome naming a RED shipment does not open its actor"
    );
    let forged_counts = counts("carl");
    assert_eq!(
        forged_counts.2, counterfeit,
        "the forged seizure is no label"
    );

    // Views of a record or an actor are audited even when they disclose nothing; an admin,
    // even a coordinator's, reads only its own organisation's entries.
    let t = std::time::Instant::now();
    loop {
        let entries = get(a, "/api/v1/audit?order=desc&limit=1000", &k("kay")).body;
        let viewed = entries["entries"].as_array().unwrap().iter().any(|e| {
            e["action"] == "view"
                && e["user"] == "carl"
                && e["target"] == "shipments carrier/shipments/S-STR"
        });
        if viewed {
            break;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "the owner's own view is not audited"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    run_ok(&[
        "admin",
        "user",
        "--db",
        s(&w.db),
        "cadmin",
        "--org",
        "centre",
        "--role",
        "admin",
    ]);
    let cadmin = run_ok(&["admin", "key", "--db", s(&w.db), "--user", "cadmin"]);
    let cadmin = cadmin.trim().to_string();
    let t = std::time::Instant::now();
    let own = loop {
        let r = get(a, "/api/v1/audit?order=desc&limit=1000", &cadmin);
        if r.status == 200 {
            break r.body;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "{}",
            r.body
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let own = own["entries"].as_array().unwrap();
    assert!(
        own.iter().all(|e| e["org"] == "centre"),
        "a coordinator's admin reads only its own organisation's entries"
    );

    // One restricted brand record withholds the reasons about its own brand, not the others':
    // the GREEN shipment naming Nike keeps its Nike reasons for every viewer after the brand
    // uploads an AMBER+STRICT record of another brand.
    let nike_reasons = |u: &str| -> Vec<String> {
        let r = get(a, "/api/v1/shipments/carrier/S-GRN", &k(u)).body;
        let amb = get(a, "/api/v1/shipments/carrier/S-AMB", &k(u)).body;
        [r, amb]
            .iter()
            .flat_map(|x| {
                x["score"]["reasons"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|x| x.as_str().map(str::to_string))
            .filter(|x| x.contains("Nike"))
            .collect()
    };
    let before = nike_reasons("cathy");
    assert!(!before.is_empty(), "no reason of the test world names Nike");
    let strict = request(
        a,
        "POST",
        "/api/v1/feeds/brands?marking=AMBER%2BSTRICT",
        Some(&k("bob")),
        Some((
            "text/csv",
            b"source_id,name,marks\nBR-ROLEX,Rolex,ROLEX\n".as_slice(),
        )),
    );
    assert_eq!(strict.status, 200, "{}", strict.body);
    assert_eq!(strict.body["marking"], "AMBER+STRICT");
    assert_eq!(nike_reasons("cathy"), before);

    // An upload that cannot be read is named as the caller sent it, never by the server's
    // temporary file.
    let bad = request(
        a,
        "POST",
        "/api/v1/feeds/shipments",
        Some(&k("carl")),
        Some(("text/csv", b"\xff\xfe,\n\x00".as_slice())),
    );
    let text = bad.body.to_string();
    assert_eq!(bad.status, 400, "{text}");
    assert!(
        !text.contains("interdict-upload-") && text.contains("api:carl/shipments.csv"),
        "{text}"
    );

    // Metrics need no key, so they count no records.
    let metrics = request(a, "GET", "/metrics", None, None).body;
    let text = metrics.as_str().unwrap();
    assert!(text.contains("interdict_http_requests_total"));
    for leak in [
        "interdict_records",
        "interdict_actors",
        "interdict_scores",
        "uploads",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }

    // API answers are neither cached nor sniffed.
    let (_, head, _) = request_raw(
        a,
        "GET",
        "/api/v1/me",
        &[("Authorization", &format!("Bearer {}", k("carl")))],
        b"",
    );
    let head = head.to_ascii_lowercase();
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");

    // Search: a long or many-word query is refused before any work; a common word is capped.
    let long = "trading%20".repeat(6_500);
    let r = get(a, &format!("/api/v1/search?q={long}"), &k("carl"));
    assert_eq!(
        (r.status, &r.body["error"]["field"]),
        (400, &Value::from("q"))
    );
    let many = "a1+b2+c3+d4+e5+f6+g7+h8+i9";
    let r = get(a, &format!("/api/v1/search?q={many}"), &k("carl"));
    assert_eq!(
        (r.status, &r.body["error"]["field"]),
        (400, &Value::from("q"))
    );
    let r = get(a, "/api/v1/search?q=trading+trading+ltd", &k("carl"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["truncated"], false);
}

/// Credentials from the attacker's side: weak passwords are refused, sessions end with a
/// password change, a revoked key and a disabled user, and guessing is slowed down per user and
/// per address without locking the real user out.
/// A score shown to an organisation rests only on what it sees in full, plus what owners let
/// inform everyone's scores: a RED watch-list entry raises the centre's score of a GREEN
/// shipment and nobody else's, until the centre lets its watch lists inform every score (its
/// admin's choice, audited; the reason stays hidden). An organisation's own rule pack scores
/// its queue and nobody else's.
fn scores_rest_on_what_each_organisation_may_see(w: &World) {
    let d = s(&w.db);
    let k = |u: &str| w.keys[u].clone();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("watch.csv");
    std::fs::write(
        &list,
        "source_id,list,reason,added,name,emails,address.country\nWL-1,counterfeit-watch,known counterfeiter,2026-01-01,Green Leaf Co,leaf@green.vn,VN\n",
    )
    .unwrap();
    run_ok(&[
        "ingest",
        "--db",
        d,
        "--org",
        "centre",
        "--feed",
        "parties",
        "--marking",
        "RED",
        "--reports",
        s(&dir.path().join("reports")),
        s(&list),
    ]);
    assert_eq!(
        actor_of(&w.db, "centre,parties,WL-1"),
        actor_of(&w.db, "S-GRN#shipper"),
        "the watch-list entry names the GREEN shipment's shipper"
    );
    // A watch list changes the histories every score reads: the batch run scores all again.
    run_ok(&["score", "--db", d, "--all"]);
    let server = start(&w.db, &w.anchor);
    let a = server.addr.as_str();
    let score = |u: &str| -> (f64, Vec<String>, String) {
        let b = get(a, "/api/v1/shipments/carrier/S-GRN", &k(u)).body;
        let reasons = b["score"]["reasons"]
            .as_array()
            .unwrap_or_else(|| panic!("{u}: {b}"))
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        (
            b["score"]["score"].as_f64().unwrap(),
            reasons,
            b["score"]["rules"].as_str().unwrap().to_string(),
        )
    };
    let watched = |r: &[String]| r.iter().any(|x| x.contains("watch list"));
    let (centre, centre_reasons, _) = score("ken");
    assert!(
        watched(&centre_reasons),
        "{centre_reasons:?}\n{}",
        run_ok(&["export", "scores", "--db", d, "--format", "csv"])
    );
    let (shared, _, default_tag) = score("carl");
    assert!(centre > shared, "{centre} {shared}");
    for u in ["carl", "cathy", "bob"] {
        let (v, reasons, _) = score(u);
        assert_eq!(v, shared, "{u}: the RED entry moved the score");
        assert!(!watched(&reasons), "{u}: {reasons:?}");
    }
    // The centre's queue ranks by its own score; the carrier's by the shared one.
    let queued = |u: &str| -> f64 {
        let q = get(a, "/api/v1/queue?limit=500", &k(u)).body;
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["shipment_id"] == "S-GRN")
            .unwrap_or_else(|| panic!("{u}: {q}"))["score"]
            .as_f64()
            .unwrap()
    };
    assert_eq!((queued("ken"), queued("carl")), (centre, shared));

    // Only the owner's admins say what its feeds inform.
    cover_shared_risk(a, &k("ken"), &k("cam"));
    let set = |u: &str, feed: &str, to: &str| {
        let body = json!({ "contributes": to }).to_string();
        request(
            a,
            "PUT",
            &format!("/api/v1/shared-risk/{feed}"),
            Some(&k(u)),
            Some(("application/json", body.as_bytes())),
        )
    };
    assert_eq!(set("ken", "parties", "all").status, 403);
    assert_eq!(set("cam", "parcels", "all").status, 400);
    assert_eq!(set("cam", "parties", "everything").status, 400);
    let on = set("cam", "parties", "all");
    assert_eq!(on.status, 200, "{}", on.body);
    let until = |what: &str, ok: &dyn Fn() -> bool| {
        let t = std::time::Instant::now();
        while !ok() {
            assert!(t.elapsed() < std::time::Duration::from_secs(30), "{what}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    // Now the entry informs every score without disclosure: the value moves, the reason,
    // resting on a RED record, stays hidden.
    until("the shared scores never took the watch list in", &|| {
        (score("carl").0 - centre).abs() < 1e-9
    });
    for u in ["carl", "cathy", "bob"] {
        assert!(!watched(&score(u).1), "{u}");
    }
    let log = get(a, "/api/v1/audit?order=desc&limit=1000", &k("cam")).body;
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "shared_risk.set"
                && e["target"] == "centre/parties"
                && e["detail"] == "all"),
        "{log}"
    );
    assert_eq!(set("cam", "parties", "default").status, 200);
    until("the default never came back", &|| {
        (score("carl").0 - shared).abs() < 1e-9
    });

    // Customs' own pack: its analyst proposes, its admin switches on; customs' scores carry
    // it, nobody else's do.
    let rules = get(a, "/api/v1/rules", &k("dora")).body;
    let pack = rules["text"]
        .as_str()
        .unwrap()
        .replacen("name = \"", "name = \"customs-", 1);
    let body = json!({ "pack": pack, "note": "our own" }).to_string();
    let proposed = request(
        a,
        "PUT",
        "/api/v1/rules",
        Some(&k("dora")),
        Some(("application/json", body.as_bytes())),
    );
    assert_eq!(proposed.status, 200, "{}", proposed.body);
    let tag = proposed.body["tag"].as_str().unwrap().to_string();
    let n = proposed.body["number"].as_u64().unwrap();
    let switch = |u: &str| {
        request(
            a,
            "POST",
            &format!("/api/v1/rules/versions/{n}/switch-on"),
            Some(&k(u)),
            None,
        )
    };
    assert_eq!(switch("dora").status, 403, "an analyst does not switch on");
    assert_eq!(score("cathy").2, default_tag, "a proposal scores nothing");
    let on = switch("dan");
    assert_eq!(on.status, 200, "{}", on.body);
    until("customs' scores never took its pack", &|| {
        score("cathy").2 == tag
    });
    assert_eq!(get(a, "/api/v1/rules", &k("cathy")).body["own"], true);
    for u in ["carl", "bob", "ken"] {
        assert_eq!(score(u).2, default_tag, "{u} scores with customs' pack");
    }
    // Back to the default: customs' scores follow.
    assert_eq!(
        request(a, "POST", "/api/v1/rules/default", Some(&k("dora")), None).status,
        403
    );
    assert_eq!(
        request(a, "POST", "/api/v1/rules/default", Some(&k("dan")), None).status,
        204
    );
    until("customs never went back to the default", &|| {
        score("cathy").2 == default_tag
    });
    assert_eq!(get(a, "/api/v1/rules", &k("cathy")).body["own"], false);
}

/// Every organisation reads what its own feeds inform.
fn cover_shared_risk(a: &str, reader: &str, admin: &str) {
    for key in [reader, admin] {
        let r = get(a, "/api/v1/shared-risk", key);
        assert_eq!(r.status, 200, "{}", r.body);
        let feeds = r.body.as_array().unwrap();
        assert_eq!(feeds.len(), 6);
        assert!(
            feeds.iter().all(|f| f["contributes"] == "default"),
            "{}",
            r.body
        );
    }
}

fn credentials_and_sign_ins_hold(w: &World) {
    let server = start(&w.db, &w.anchor);
    let a = server.addr.as_str();
    for (weak, why) in [
        ("            ", "too easy"),
        ("password1234", "too easy"),
        ("ken-ken-ken-ken", "user's name"),
        ("short", "at least 12"),
    ] {
        let out = set_password(&w.db, "ken", weak);
        assert!(!out.status.success(), "{weak:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{weak:?}: {err}");
    }
    let sign_in = |user: &str, pw: &str| {
        let body = serde_json::json!({"user": user, "password": pw}).to_string();
        let (status, head, _) = request_raw(
            a,
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        (status, session_cookie(&head), head)
    };
    let me = |jar: &str| request_raw(a, "GET", "/api/v1/me", &[("Cookie", jar)], b"").0;
    let until_refused = |jar: &str, what: &str| {
        let t = std::time::Instant::now();
        while me(jar) != 401 {
            assert!(
                t.elapsed() < std::time::Duration::from_secs(10),
                "the session outlived {what}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    };

    // A password change ends the sessions begun with the old one.
    let (status, jar, _) = sign_in("ken", "correct horse battery");
    assert_eq!(status, 200);
    let jar = jar.unwrap();
    assert_eq!(me(&jar), 200);
    // Another site's form cannot write with the cookie: form content types are refused.
    let csv = b"source_id,result,date\nCENTRE-1,released,2026-03-01\n";
    for form in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ] {
        let (status, _, body) = request_raw(
            a,
            "POST",
            "/api/v1/feeds/outcomes",
            &[("Cookie", &jar), ("Content-Type", form)],
            csv,
        );
        assert_eq!(status, 403, "{form}: {body}");
    }
    let (status, _, body) = request_raw(
        a,
        "POST",
        "/api/v1/feeds/outcomes",
        &[("Cookie", &jar), ("Content-Type", "text/csv")],
        csv,
    );
    assert_eq!(status, 200, "{body}");
    let new_pw = "amber lantern quarry oboe";
    assert!(set_password(&w.db, "ken", new_pw).status.success());
    until_refused(&jar, "a password change");

    // Revoking the user's key ends the user's sessions too.
    let (status, jar, _) = sign_in("ken", new_pw);
    assert_eq!(status, 200);
    let jar = jar.unwrap();
    let key_id = w.keys["ken"].split('_').nth(1).unwrap().to_string();
    run_ok(&["admin", "revoke", "--db", s(&w.db), &key_id]);
    until_refused(&jar, "the revocation of the user's key");

    // A disabled user's keys, sessions and password stop working; enabling brings keys back.
    let (status, jar, _) = sign_in("ken", new_pw);
    assert_eq!(status, 200);
    let jar = jar.unwrap();
    let fresh = run_ok(&["admin", "key", "--db", s(&w.db), "--user", "ken"]);
    let fresh = fresh.trim().to_string();
    let t = std::time::Instant::now();
    while get(a, "/api/v1/me", &fresh).status != 200 {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "a new key is not taken"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    run_ok(&["admin", "disable", "--db", s(&w.db), "ken"]);
    until_refused(&jar, "disabling the user");
    let t = std::time::Instant::now();
    while get(a, "/api/v1/me", &fresh).status != 401 {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "a disabled user's key works"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(sign_in("ken", new_pw).0, 401);
    run_ok(&["admin", "enable", "--db", s(&w.db), "ken"]);
    let t = std::time::Instant::now();
    while get(a, "/api/v1/me", &fresh).status != 200 {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "an enabled user's key is refused"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // Guessing: after three refusals the next attempt waits, even with the right password,
    // and says how long; once the wait is over the right password works.
    // (The disabled user's refused sign-in above counts too.)
    let mut refused = 0;
    while sign_in("ken", "not the password at all").0 != 429 {
        refused += 1;
        assert!(refused <= 3, "still no wait after {refused} refusals");
    }
    let (status, jar, head) = sign_in("ken", new_pw);
    assert_eq!(status, 429, "{head}");
    assert!(jar.is_none());
    let wait: u64 = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("retry-after: ")
                .map(str::to_string)
        })
        .expect("a Retry-After header")
        .trim()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(sign_in("ken", new_pw).0, 200, "no lockout");
}

fn access_matrix(w: &World) {
    let server = start(&w.db, &w.anchor);
    let a = server.addr.as_str();
    let k = |u: &str| w.keys[u].clone();
    let mut covered: BTreeSet<(String, String)> = BTreeSet::new();
    let mut cover = |m: &str, p: &str| {
        covered.insert((m.to_string(), p.to_string()));
    };

    // No key, a wrong key: nothing.
    assert_eq!(request(a, "GET", "/api/v1/queue", None, None).status, 401);
    let r = request(
        a,
        "GET",
        "/api/v1/queue",
        Some("idk_000000000000_0000000000000000000000000000000000000000"),
        None,
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["code"], "unauthenticated");

    // Browser sessions: a password signs in, the cookie then authenticates.
    cover("post", "/api/v1/session");
    cover("delete", "/api/v1/session");
    let sign_in = |user: &str, pw: &str| {
        let body = serde_json::json!({"user": user, "password": pw}).to_string();
        request_raw(
            a,
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    };
    let (status, head, _) = sign_in("ken", "wrong password!!");
    assert_eq!(status, 401);
    assert!(!head.to_ascii_lowercase().contains("set-cookie"));
    let (status, _, unknown) = sign_in("nobody", "whatever123456");
    assert_eq!(status, 401);
    assert!(
        unknown.contains("wrong user or password"),
        "no hint whether the user exists"
    );
    let (status, head, _) = sign_in("ken", "correct horse battery");
    assert_eq!(status, 200);
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("Secure")
            && cookie.contains("SameSite=Strict")
    );
    let jar = cookie.split(';').next().unwrap().to_string();
    let (status, _, body) = request_raw(a, "GET", "/api/v1/me", &[("Cookie", &jar)], b"");
    assert_eq!(status, 200);
    assert!(body.contains("\"user\":\"ken\""));
    let (status, _, _) = request_raw(
        a,
        "GET",
        "/api/v1/records/carrier/shipments/S-RED",
        &[("Cookie", &jar)],
        b"",
    );
    assert_eq!(status, 200, "a session reads like the user's key");
    let (status, _, _) = request_raw(a, "DELETE", "/api/v1/session", &[("Cookie", &jar)], b"");
    assert_eq!(status, 204);
    let (status, _, _) = request_raw(a, "GET", "/api/v1/me", &[("Cookie", &jar)], b"");
    assert_eq!(status, 401, "a signed-out session is gone");

    cover("get", "/api/v1/me");
    let me = get(a, "/api/v1/me", &k("cathy")).body;
    assert_eq!(
        (me["org"].as_str(), me["role"].as_str()),
        (Some("customs"), Some("officer"))
    );

    // Records, scored shipments and the queue, for every reader.
    cover("get", "/api/v1/records/{org}/{feed}/{id}");
    cover("get", "/api/v1/shipments/{org}/{id}");
    cover("get", "/api/v1/queue");
    let missing = get(a, "/api/v1/records/carrier/shipments/S-NONE", &k("bob"));
    assert_eq!(missing.status, 404);
    for user in ["carl", "cathy", "dan", "bob", "alice", "ken"] {
        let want = expected_full(user);
        for (_, _, _, row) in SHIPMENTS {
            let id = row.split(',').next().unwrap();
            let rec = get(
                a,
                &format!("/api/v1/records/carrier/shipments/{id}"),
                &k(user),
            );
            let shp = get(a, &format!("/api/v1/shipments/carrier/{id}"), &k(user));
            if want.contains(id) {
                assert_eq!(rec.status, 200, "{user} reads {id}");
                assert_eq!(rec.body["record"]["shipment_id"], id);
                assert_eq!(shp.status, 200, "{user} reads shipment {id}");
            } else {
                // Hidden answers exactly like missing: same status, same body.
                assert_eq!(rec.status, 404, "{user} must not read {id}");
                assert_eq!(
                    rec.body, missing.body,
                    "{user}: hidden {id} differs from missing"
                );
                assert_eq!(shp.status, 404);
                assert_eq!(shp.body, missing.body);
            }
            if user != "carl" && rec.status == 200 {
                assert!(
                    rec.body.get("sharing_group").is_none(),
                    "the group is the owner's business"
                );
            }
        }
        let q = get(a, "/api/v1/queue?limit=500", &k(user)).body;
        let seen: BTreeSet<String> = q["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["shipment_id"].as_str().unwrap().to_string())
            .collect();
        let want_s: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(seen, want_s, "{user}'s queue");
        assert_eq!(
            q["total"].as_u64().unwrap() as usize,
            want.len(),
            "{user}'s queue total"
        );
        // The CSV export holds the same shipments, and nothing else.
        let (status, _, text) = request_raw(
            a,
            "GET",
            "/api/v1/queue?format=csv&limit=1",
            &[("Authorization", &format!("Bearer {}", k(user)))],
            b"",
        );
        assert_eq!(status, 200, "{user}: {text}");
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let in_csv: BTreeSet<String> = rows.records().map(|r| r.unwrap()[3].to_string()).collect();
        assert_eq!(in_csv, want_s, "{user}'s queue as CSV");
    }
    // A reason shows only when the viewer may see what it rests on; the low declared value of
    // the RED shipment rests on that shipment alone, so its recipients see it.
    let reasons = |u: &str| -> Vec<String> {
        get(a, "/api/v1/shipments/carrier/S-RED", &k(u)).body["score"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    let owner_reasons = reasons("carl");
    assert!(
        owner_reasons
            .iter()
            .any(|r| r.contains("low declared value")),
        "{owner_reasons:?}"
    );
    // A reason citing the sender's seizure rests on the AMBER seizure and the AMBER shipment the
    // sender was seen in: shown inside the sharing group, never outside it.
    let seizure_reasons = |u: &str| -> usize {
        get(a, "/api/v1/shipments/carrier/S-GR2", &k(u)).body["score"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r.as_str().unwrap().contains("seizure"))
            .count()
    };
    assert!(seizure_reasons("carl") > 0, "the owner sees why");
    assert!(
        seizure_reasons("cathy") > 0,
        "the seizing customs service sees why"
    );
    for outsider in ["bob", "alice", "ken"] {
        assert_eq!(
            seizure_reasons(outsider),
            0,
            "{outsider} must not learn of the seizure"
        );
    }
    let ken_reasons = reasons("ken");
    assert!(ken_reasons.iter().any(|r| r.contains("low declared value")));
    assert!(ken_reasons.iter().all(|r| owner_reasons.contains(r)));
    // Auditors read no records.
    let r = get(a, "/api/v1/records/carrier/shipments/S-CLR", &k("cora"));
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );

    // Listings: none exist; a hidden and a missing listing are both 404.
    cover("get", "/api/v1/listings/{org}/{id}");
    assert_eq!(
        get(a, "/api/v1/listings/carrier/L-1", &k("carl")).status,
        404
    );

    // Actor profiles: the shipper of the AMBER shipment, with the seizure as history.
    cover("get", "/api/v1/actors/{id}");
    let star = actor_of(&w.db, "S-AMB#shipper");
    let red = actor_of(&w.db, "S-RED#shipper");
    // AMBER+STRICT: even a member of the owner's sharing group learns only whom to ask.
    let moon = actor_of(&w.db, "S-STR#shipper");
    let strict = get(a, &format!("/api/v1/actors/{moon}"), &k("cathy")).body;
    assert_eq!(strict["parties"].as_array().unwrap().len(), 0);
    assert_eq!(strict["held_elsewhere"][0]["org"], "carrier");
    assert!(!strict.to_string().contains("Moon"));
    let owner = get(a, &format!("/api/v1/actors/{moon}"), &k("carl")).body;
    assert_eq!(owner["names"][0], "Moon Trading Ltd");
    // GREEN and CLEAR: every organisation sees the actor in full.
    for (party, name) in [
        ("S-GRN#shipper", "Green Leaf Co"),
        ("S-CLR#shipper", "Clear Water LLC"),
    ] {
        let id = actor_of(&w.db, party);
        let p = get(a, &format!("/api/v1/actors/{id}"), &k("bob")).body;
        assert_eq!(p["names"][0], name);
        assert_eq!(p["held_elsewhere"].as_array().unwrap().len(), 0);
    }
    // Auditors read no record, profile, network, queue or search.
    for path in [
        "/api/v1/queue".to_string(),
        "/api/v1/shipments/carrier/S-CLR".to_string(),
        "/api/v1/listings/carrier/L-1".to_string(),
        format!("/api/v1/actors/{star}"),
        format!("/api/v1/actors/{star}/network"),
        format!("/api/v1/actors/{star}/paths/{red}"),
        "/api/v1/search?q=star".to_string(),
    ] {
        for auditor in ["cora", "kay"] {
            assert_eq!(get(a, &path, &k(auditor)).status, 403, "{auditor} {path}");
        }
    }
    let cathy = get(a, &format!("/api/v1/actors/{star}"), &k("cathy")).body;
    assert_eq!(cathy["parties"].as_array().unwrap().len(), 1);
    assert_eq!(cathy["history"][0]["source_id"], "INS-1");
    assert_eq!(cathy["held_elsewhere"].as_array().unwrap().len(), 0);
    let bob = get(a, &format!("/api/v1/actors/{star}"), &k("bob"));
    assert_eq!(bob.status, 200);
    assert_eq!(
        bob.body["parties"].as_array().unwrap().len(),
        0,
        "no fields of AMBER records"
    );
    assert_eq!(bob.body["names"].as_array().unwrap().len(), 0);
    let holders: Vec<&str> = bob.body["held_elsewhere"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["org"].as_str().unwrap())
        .collect();
    assert_eq!(
        holders,
        ["carrier", "customs"],
        "existence-only: whom to ask"
    );
    assert!(!bob.body.to_string().contains("Star Trading"));
    // RED: not even existence.
    let r = get(a, &format!("/api/v1/actors/{red}"), &k("bob"));
    assert_eq!(r.status, 404);
    assert_eq!(r.body, missing.body);
    assert_eq!(
        get(a, &format!("/api/v1/actors/{red}"), &k("ken")).status,
        200
    );
    assert_eq!(
        get(a, &format!("/api/v1/actors/{red}"), &k("alice")).status,
        200
    );

    // Networks: only through records the viewer may see.
    cover("get", "/api/v1/actors/{id}/network");
    let net = get(
        a,
        &format!("/api/v1/actors/{star}/network?hops=2"),
        &k("cathy"),
    )
    .body;
    assert_eq!(net["nodes"].as_array().unwrap().len(), 2, "{net}");
    assert_eq!(net["edges"][0]["via"], "carrier/shipments/S-AMB");
    assert_eq!(
        get(a, &format!("/api/v1/actors/{star}/network"), &k("bob")).status,
        404
    );
    assert_eq!(
        get(a, &format!("/api/v1/actors/{red}/network"), &k("bob")).status,
        404
    );
    let bad = get(
        a,
        &format!("/api/v1/actors/{star}/network?hops=9"),
        &k("cathy"),
    );
    assert_eq!(
        (bad.status, bad.body["error"]["field"].as_str()),
        (400, Some("hops"))
    );

    // Search: existence-only for AMBER, nothing at all for RED.
    cover("get", "/api/v1/search");
    let hit = get(a, "/api/v1/search?q=star%20trading", &k("cathy")).body;
    assert_eq!(hit["hits"].as_array().unwrap().len(), 1);
    let bob_s = get(a, "/api/v1/search?q=star%20trading", &k("bob")).body;
    assert_eq!(bob_s["hits"].as_array().unwrap().len(), 0);
    assert_eq!(bob_s["held_elsewhere"][0]["org"], "carrier");
    let red_s = get(a, "/api/v1/search?q=red%20dragon", &k("bob")).body;
    let nothing = get(a, "/api/v1/search?q=zzqx", &k("bob")).body;
    assert_eq!(
        red_s, nothing,
        "a RED match is indistinguishable from no match"
    );
    assert_eq!(
        get(a, "/api/v1/search?q=red%20dragon", &k("ken")).body["hits"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(get(a, "/api/v1/search?q=x", &k("ken")).status, 400);
    // People search: a typo, an address, another form of an e-mail; each over what the
    // caller sees, with facets, counts and the CSV export built from it alone.
    let typo = get(a, "/api/v1/search?q=star%20tradnig", &k("cathy")).body;
    assert_eq!(typo["hits"][0]["name"], "Star Trading Ltd");
    assert_eq!(typo["hits"][0]["match"], "close");
    assert_eq!(typo["facets"]["organisations"][0]["value"], "carrier");
    let bob_typo = get(a, "/api/v1/search?q=star%20tradnig", &k("bob")).body;
    assert_eq!(bob_typo["total"], 0);
    assert_eq!(bob_typo["facets"]["organisations"], json!([]));
    assert_eq!(bob_typo["held_elsewhere"][0]["org"], "carrier");
    assert_eq!(
        get(a, "/api/v1/search?q=red%20dragn", &k("bob")).body,
        nothing,
        "a RED near-match is indistinguishable from no match"
    );
    let oak = get(a, "/api/v1/search?q=oak%20rd", &k("cathy")).body;
    assert_eq!(oak["hits"][0]["name"], "Sam Hill");
    assert_eq!(
        get(a, "/api/v1/search?q=oak%20rd", &k("bob")).body["total"],
        0
    );
    let sun = |u: &str| get(a, "/api/v1/search?q=SUN%40Export.cn", &k(u)).body;
    let (cathy_sun, bob_sun) = (sun("cathy"), sun("bob"));
    assert_eq!(cathy_sun["hits"][0]["name"], "Sun Export Co");
    assert_eq!(cathy_sun["hits"][0]["identifiers"][0], "sun@export.cn");
    assert_eq!(cathy_sun["hits"][0]["country"], "CN", "{cathy_sun}");
    // The actor's records: both shipments for customs, only the GREEN one for the brand.
    assert_eq!(cathy_sun["hits"][0]["records"], 2);
    assert_eq!(bob_sun["hits"][0]["records"], 1);
    assert_eq!(bob_sun["hits"][0]["record"], "carrier/shipments/S-GR2");
    let filtered = get(a, "/api/v1/search?q=trading&country=CN", &k("carl")).body;
    assert!(filtered["total"].as_u64().unwrap() >= 2, "{filtered}");
    let nowhere = get(a, "/api/v1/search?q=trading&country=FR", &k("carl")).body;
    assert_eq!(nowhere["total"], 0);
    let page2 = get(a, "/api/v1/search?q=trading&limit=1&offset=1", &k("carl")).body;
    assert_eq!(page2["hits"].as_array().unwrap().len(), 1);
    assert_ne!(
        page2["hits"][0]["actor"],
        get(a, "/api/v1/search?q=trading&limit=1", &k("carl")).body["hits"][0]["actor"]
    );
    let csv = |u: &str| {
        request_raw(
            a,
            "GET",
            "/api/v1/search?q=trading&format=csv",
            &[("Authorization", &format!("Bearer {}", k(u)))],
            b"",
        )
    };
    let (status, head, carl_csv) = csv("carl");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/csv"),
        "{head}"
    );
    assert!(carl_csv.contains("Star Trading Ltd") && carl_csv.contains("Moon Trading Ltd"));
    let (_, _, bob_csv) = csv("bob");
    assert!(
        !bob_csv.contains("Star") && !bob_csv.contains("Moon"),
        "{bob_csv}"
    );
    assert_eq!(
        get(a, "/api/v1/search?q=trading&format=xml", &k("bob")).status,
        400
    );

    // Paths between actors: through records the caller sees in full, or not at all.
    cover("get", "/api/v1/actors/{id}/paths/{other}");
    let sam = actor_of(&w.db, "S-AM2#consignee");
    let gail = actor_of(&w.db, "S-GR2#consignee");
    let sun_actor = actor_of(&w.db, "S-GR2#shipper");
    let route = get(
        a,
        &format!("/api/v1/actors/{sam}/paths/{gail}"),
        &k("cathy"),
    )
    .body;
    assert_eq!(route["hops"], 2, "{route}");
    assert_eq!(route["paths"][0][0]["to"]["id"], sun_actor.as_str());
    assert_eq!(route["paths"][0][0]["via"][0], "carrier/shipments/S-AM2");
    assert_eq!(route["paths"][0][1]["via"][0], "carrier/shipments/S-GR2");
    assert_eq!(route["shared"][0]["actor"]["name"], "Sun Export Co");
    // The brand sees nothing of Sam Hill: the actor answers as one that does not exist.
    let hidden = get(a, &format!("/api/v1/actors/{sam}/paths/{gail}"), &k("bob"));
    let missing = get(a, &format!("/api/v1/actors/nobody/paths/{gail}"), &k("bob"));
    assert_eq!(
        (hidden.status, &hidden.body),
        (missing.status, &missing.body)
    );
    assert_eq!(hidden.status, 404);
    let too_far = get(
        a,
        &format!("/api/v1/actors/{sam}/paths/{gail}?hops=9"),
        &k("cathy"),
    );
    assert_eq!(too_far.body["error"]["field"], "hops");

    // Writes: outcomes by officers, analysts and brand representatives (own brands only).
    cover("post", "/api/v1/outcomes");
    let outcome = |id: &str, brand: &str| {
        serde_json::json!({"records": [{"source_id": id, "result": "seized_counterfeit", "date": "2026-03-03", "shipment_id": "S-GRN", "brand": brand}]}).to_string()
    };
    let post = |u: &str, body: &str| {
        request(
            a,
            "POST",
            "/api/v1/outcomes",
            Some(&k(u)),
            Some(("application/json", body.as_bytes())),
        )
    };
    let r = post("cathy", &outcome("INS-2", "Nike"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["landed"], 1);
    assert_eq!(
        post("alice", &outcome("TB-1", "Nike")).status,
        200,
        "a brand rep confirms its own brand"
    );
    assert_eq!(
        post("alice", &outcome("TB-2", "Adidas")).status,
        403,
        "not another brand's"
    );
    assert_eq!(post("cora", &outcome("X-1", "Nike")).status, 403);

    // Brand ownership is approved by a coordinator, not declared: a brand record named like
    // another brand makes nobody its owner.
    cover("put", "/api/v1/brands/{brand}/owners/{org}");
    cover("delete", "/api/v1/brands/{brand}/owners/{org}");
    let declared = request(
        a,
        "POST",
        "/api/v1/feeds/brands",
        Some(&k("bob")),
        Some((
            "text/csv",
            b"source_id,name,marks\nBR-ADI,Adidas,ADIDAS\n".as_slice(),
        )),
    );
    assert_eq!(declared.status, 200, "{}", declared.body);
    assert_eq!(
        post("alice", &outcome("TB-3", "Adidas")).status,
        403,
        "a self-declared brand is not the representative's to confirm"
    );
    let owner = |u: &str, method: &str, brand: &str, org: &str| {
        request(
            a,
            method,
            &format!("/api/v1/brands/{brand}/owners/{org}"),
            Some(&k(u)),
            None,
        )
    };
    for u in ["bob", "alice", "cathy", "dan", "kay"] {
        assert_eq!(owner(u, "PUT", "Adidas", "brandco").status, 403, "{u}");
    }
    assert_eq!(owner("ken", "PUT", "Adidas", "carrier").status, 400);
    assert_eq!(owner("ken", "PUT", "Adidas", "nobody").status, 404);
    let approved = owner("ken", "PUT", "Adidas", "brandco");
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["brand"], "adidas");
    assert_eq!(post("alice", &outcome("TB-3", "Adidas")).status, 200);
    assert_eq!(owner("ken", "DELETE", "Adidas", "brandco").status, 200);
    assert_eq!(owner("ken", "DELETE", "Adidas", "brandco").status, 404);
    assert_eq!(post("alice", &outcome("TB-4", "Adidas")).status, 403);
    let bad = post(
        "cathy",
        r#"{"records": [{"source_id": "INS-3", "result": "exploded", "date": "2026-03-03"}]}"#,
    );
    assert_eq!(bad.status, 200);
    assert_eq!(bad.body["quarantined"], 1);
    assert_eq!(bad.body["rejected"][0]["field"], "result");
    assert_eq!(post("cathy", "{not json").status, 400);
    // The new outcome is the customs officer's own, readable at once.
    assert_eq!(
        get(a, "/api/v1/records/customs/outcomes/INS-2", &k("cathy")).status,
        200
    );

    // Withdrawal: only of the caller's own organisation's outcomes, with a reason; another
    // organisation's outcome is as missing as one that does not exist.
    cover("post", "/api/v1/outcomes/{id}/withdraw");
    let withdraw = |u: &str, id: &str, reason: &str| {
        request(
            a,
            "POST",
            &format!("/api/v1/outcomes/{id}/withdraw"),
            Some(&k(u)),
            Some((
                "application/json",
                serde_json::json!({ "reason": reason })
                    .to_string()
                    .as_bytes(),
            )),
        )
    };
    let on_grn = |u: &str| -> Vec<String> {
        get(a, "/api/v1/shipments/carrier/S-GRN", &k(u)).body["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(on_grn("cathy").contains(&"customs/outcomes/INS-2".to_string()));
    assert_eq!(withdraw("alice", "INS-2", "not ours").status, 404);
    assert_eq!(withdraw("bob", "INS-2", "not ours").status, 404);
    assert_eq!(
        withdraw("cora", "INS-2", "auditors record nothing").status,
        403
    );
    assert_eq!(withdraw("cathy", "NO-SUCH", "typo").status, 404);
    assert_eq!(
        withdraw("cathy", "INS-2", "  ").body["error"]["field"],
        "reason"
    );
    let taken_back = withdraw("cathy", "INS-2", "keyed on the wrong parcel");
    assert_eq!(taken_back.status, 200, "{}", taken_back.body);
    assert_eq!(taken_back.body["key"], "customs/outcomes/INS-2");
    assert!(
        !on_grn("cathy").contains(&"customs/outcomes/INS-2".to_string()),
        "a withdrawn outcome leaves the shipment at once"
    );
    assert!(on_grn("alice").contains(&"brandco/outcomes/TB-1".to_string()));
    assert_eq!(
        withdraw("cathy", "INS-2", "again").body["reason"],
        "keyed on the wrong parcel",
        "withdrawing again gives the first withdrawal"
    );

    // Scoring on request: nothing is kept; reasons and matched actors follow the markings.
    cover("post", "/api/v1/score");
    let score = |u: &str, body: &Value| {
        request(
            a,
            "POST",
            "/api/v1/score",
            Some(&k(u)),
            Some(("application/json", body.to_string().as_bytes())),
        )
    };
    let parcel = serde_json::json!({"feed": "shipments", "record": {
        "source_id": "ASK-1", "arrival": "2026-03-07", "origin_country": "CN", "port_of_arrival": "LHR",
        "shipper": {"name": "Sun Export Co", "emails": ["sun@export.cn"], "address": {"country": "CN"}},
        "consignee": {"name": "Pat Doe", "address": {"text": "7 Ash Rd", "country": "GB"}},
        "items": [{"description": "NIKE shoes", "hs_code": "640399", "quantity": 2, "value": "8 USD"}]
    }});
    let t = std::time::Instant::now();
    let mut r = score("cathy", &parcel);
    while r.status == 503 && t.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        r = score("cathy", &parcel);
    }
    assert_eq!(r.status, 200, "{}", r.body);
    let cathy_sees = r.body;
    let p = cathy_sees["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p), "{cathy_sees}");
    assert_eq!(cathy_sees["brands"], serde_json::json!(["Nike"]));
    assert_eq!(cathy_sees["actors"][0]["role"], "shipper");
    assert_eq!(
        cathy_sees["actors"][0]["name"], "Sun Export Co",
        "the known sender"
    );
    let shown = |b: &Value| -> Vec<String> {
        b["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        !shown(&cathy_sees).is_empty(),
        "brand reasons rest on a GREEN brand record: {cathy_sees}"
    );
    let bob_sees = score("bob", &parcel).body;
    assert!(
        bob_sees["reasons_withheld"].as_u64().unwrap() >= 1,
        "the sender's seizure rests on customs' AMBER outcome: {bob_sees}"
    );
    assert!(
        shown(&bob_sees)
            .iter()
            .all(|x| !x.to_lowercase().contains("seiz")),
        "{bob_sees}"
    );
    // An actor known only from a RED record is named only to those who may read it.
    let red_sender = serde_json::json!({"feed": "shipments", "record": {
        "source_id": "ASK-3", "arrival": "2026-03-07", "origin_country": "CN",
        "shipper": {"name": "Red Dragon Export", "emails": ["red@dragon.cn"], "address": {"country": "CN"}},
        "items": [{"description": "gift", "quantity": 1, "value": "5 USD"}]
    }});
    let matched = |u: &str| {
        score(u, &red_sender).body["actors"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(matched("ken"), 1, "the coordinator reads the RED record");
    assert_eq!(
        matched("bob"),
        0,
        "no trace of a RED actor for another organisation"
    );
    assert_eq!(matched("cathy"), 0);
    assert_eq!(
        score("cora", &parcel).status,
        403,
        "auditors read no records"
    );
    assert_eq!(
        get(a, "/api/v1/records/customs/shipments/ASK-1", &k("cathy")).status,
        404,
        "nothing scored on request is kept"
    );
    let bad_day = serde_json::json!({"feed": "shipments", "record": {"source_id": "ASK-2", "arrival": "31/02/2026"}});
    assert_eq!(
        score("cathy", &bad_day).body["error"]["field"],
        "record.arrival"
    );
    let bad_feed = serde_json::json!({"feed": "outcomes", "record": {}});
    assert_eq!(score("cathy", &bad_feed).body["error"]["field"], "feed");

    // Uploads: analysts and admins of the organisation; an officer may not.
    cover("post", "/api/v1/feeds/{feed}");
    let csv = format!(
        "{HEADER}\nS-NEW,swift,2026-03-03,CN,CN,LHR,New Co,new@co.cn,CN,Ned,6 Rd,GB,bags,420221,1,3 USD\nS-BAD,swift,2026-13-45,CN,CN,LHR,Bad Co,,CN,Bo,7 Rd,GB,bags,420221,1,3 USD\n"
    );
    let up = |u: &str, q: &str| {
        request(
            a,
            "POST",
            &format!("/api/v1/feeds/shipments{q}"),
            Some(&k(u)),
            Some(("text/csv", csv.as_bytes())),
        )
    };
    assert_eq!(up("cathy", "").status, 403);
    let r = up("carl", "?marking=GREEN");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["landed"].as_u64(), r.body["quarantined"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        get(a, "/api/v1/records/carrier/shipments/S-NEW", &k("bob")).status,
        200,
        "GREEN upload is shared"
    );
    // It arrived resolved (its shipper and consignee) and scored: it is in the queues now.
    assert_eq!(
        (r.body["resolved"].as_u64(), r.body["scored"].as_u64()),
        (Some(2), Some(1))
    );
    for user in ["carl", "bob"] {
        let q = get(a, "/api/v1/queue?limit=500", &k(user)).body;
        assert!(
            q["items"].as_array().unwrap().iter().any(
                |i| i["shipment_id"] == "S-NEW" && !i["reasons"].as_array().unwrap().is_empty()
            ),
            "the uploaded shipment is in {user}'s queue with its reasons: {q}"
        );
    }
    assert_eq!(
        up("carl", "?marking=PURPLE").body["error"]["field"],
        "marking"
    );
    assert_eq!(
        up("carl", "?sharing_group=nope").body["error"]["field"],
        "sharing_group"
    );
    assert_eq!(
        request(
            a,
            "POST",
            "/api/v1/feeds/widgets",
            Some(&k("carl")),
            Some(("text/csv", b"a\n"))
        )
        .body["error"]["field"],
        "feed"
    );

    // The audit log: auditors (and admins) only; a coordinator's auditor sees every entry.
    cover("get", "/api/v1/audit");
    assert_eq!(get(a, "/api/v1/audit", &k("carl")).status, 403);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = get(a, "/api/v1/audit?limit=1000", &k("kay")).body;
    let entries = log["entries"].as_array().unwrap();
    // Newest first, paged backwards, is the same log the other way round.
    let seqs = |v: &Value| -> Vec<u64> {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect()
    };
    let oldest_first = seqs(&log);
    let mut newest_first = Vec::new();
    let mut before = String::new();
    loop {
        let page = seqs(
            &get(
                a,
                &format!("/api/v1/audit?order=desc&limit=7{before}"),
                &k("kay"),
            )
            .body,
        );
        let Some(last) = page.last() else { break };
        before = format!("&before={last}");
        newest_first.extend(page);
    }
    newest_first.reverse();
    assert!(newest_first.len() >= oldest_first.len());
    assert_eq!(newest_first[..oldest_first.len()], oldest_first[..]);
    let cora_latest = get(a, "/api/v1/audit?order=desc&limit=5", &k("cora")).body;
    assert!(!cora_latest["entries"].as_array().unwrap().is_empty());
    assert!(
        cora_latest["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["org"] == "customs"),
        "newest first, still only its own organisation's"
    );
    assert_eq!(get(a, "/api/v1/audit?order=up", &k("kay")).status, 400);
    let disclosed_to_cathy: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e["user"] == "cathy")
        .flat_map(|e| {
            e["disclosed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap())
        })
        .collect();
    assert!(disclosed_to_cathy.contains("carrier/shipments/S-AMB"));
    assert!(
        !disclosed_to_cathy.contains("carrier/shipments/S-CLR"),
        "CLEAR records are no disclosure"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "search" && e["user"] == "bob")
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "upload" && e["user"] == "carl")
    );
    assert!(
        entries.iter().any(|e| e["action"] == "export.actors"),
        "exports from the command line are audited too"
    );
    // Auditors and admins of other organisations read only their own organisation's entries.
    for reader in ["cora", "dan"] {
        let own = get(a, "/api/v1/audit?limit=1000", &k(reader)).body;
        let own = own["entries"].as_array().unwrap();
        assert!(!own.is_empty());
        assert!(own.iter().all(|e| e["org"] == "customs"), "{reader}");
    }
    // Filters narrow what a reader may read and never widen it.
    let only = |q: &str, u: &str| {
        let r = get(a, &format!("/api/v1/audit?limit=1000&{q}"), &k(u));
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        r.body["entries"].as_array().unwrap().clone()
    };
    let bobs = only("user=bob&action=search", "kay");
    assert!(!bobs.is_empty());
    assert!(
        bobs.iter()
            .all(|e| e["user"] == "bob" && e["action"] == "search")
    );
    let admin_family = only("action=admin", "kay");
    assert!(!admin_family.is_empty());
    assert!(
        admin_family
            .iter()
            .all(|e| e["action"].as_str().unwrap().starts_with("admin."))
    );
    let about = only("record=carrier/shipments/S-AMB", "kay");
    assert!(!about.is_empty());
    assert!(
        about
            .iter()
            .all(|e| e.to_string().contains("carrier/shipments/S-AMB"))
    );
    assert!(only("from=2999-01-01", "kay").is_empty());
    assert!(only("to=2000-01-01", "kay").is_empty());
    assert!(
        only("org=brandco", "cora").is_empty(),
        "a customs auditor filtering on another organisation reads nothing of it"
    );
    let newest = get(a, "/api/v1/audit?limit=2&order=desc", &k("kay")).body;
    let second = newest["entries"][1]["seq"].as_u64().unwrap();
    assert_eq!(newest["next"], second);
    let older = get(
        a,
        &format!("/api/v1/audit?limit=2&order=desc&before={second}"),
        &k("kay"),
    )
    .body;
    assert!(older["entries"][0]["seq"].as_u64().unwrap() < second);
    assert_eq!(
        get(a, "/api/v1/audit?from=yesterday", &k("kay")).body["error"]["field"],
        "from"
    );
    let (status, head, cora_csv) = request_raw(
        a,
        "GET",
        "/api/v1/audit?limit=1000&format=csv",
        &[("Authorization", &format!("Bearer {}", k("cora")))],
        b"",
    );
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/csv"),
        "{head}"
    );
    let mut rows = csv::Reader::from_reader(cora_csv.as_bytes());
    let orgs: Vec<String> = rows.records().map(|r| r.unwrap()[2].to_string()).collect();
    assert!(
        !orgs.is_empty() && orgs.iter().all(|o| o == "customs"),
        "{orgs:?}"
    );
    // Outcomes come from those who decide, through either route: an admin's upload of them is
    // refused as its posted outcomes are; an analyst's lands.
    let upload_outcome = |u: &str| {
        request(
            a,
            "POST",
            "/api/v1/feeds/outcomes?format=ndjson",
            Some(&k(u)),
            Some((
                "application/x-ndjson",
                br#"{"source_id": "INS-9", "result": "released", "date": "2026-03-04"}"#,
            )),
        )
    };
    let admin_up = upload_outcome("dan");
    assert_eq!(admin_up.status, 403, "{}", admin_up.body);
    assert!(
        admin_up.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not record outcomes")
    );
    let analyst_up = upload_outcome("carl");
    assert_eq!(analyst_up.status, 200, "{}", analyst_up.body);

    pages(a, &k, &mut cover);
    cases(a, w, &k, &mut cover);

    // Every route in the server's own document is covered above.
    let spec = request(a, "GET", "/api/v1/openapi.json", None, None).body;
    let mut routes = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.insert((method.clone(), path.clone()));
            }
        }
    }
    // Every schema the document refers to is in it.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all_refs = Vec::new();
    refs(&spec, &mut all_refs);
    assert!(!all_refs.is_empty());
    for r in all_refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .expect("a schema reference");
        assert!(
            spec["components"]["schemas"].get(name).is_some(),
            "dangling {r}"
        );
    }
    let uncovered: Vec<_> = routes.difference(&covered).collect();
    assert!(
        uncovered.is_empty(),
        "routes without an access test: {uncovered:?}"
    );
    assert_eq!(
        request(a, "GET", "/healthz", None, None).body["status"],
        "ok"
    );
    let metrics = request(a, "GET", "/metrics", None, None).body;
    assert!(
        metrics
            .as_str()
            .unwrap()
            .contains("interdict_http_requests_total")
    );
    let nf = request(a, "GET", "/nowhere", None, None);
    assert_eq!(
        (nf.status, nf.body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    drop(server);
    let ok = run_ok(&[
        "audit",
        "verify",
        "--db",
        s(&w.db),
        "--anchor",
        s(&w.anchor),
    ]);
    assert!(ok.contains("audit log sound"), "{ok}");
}

/// Altering an entry, and rewriting the chain with every hash recomputed, are both found.
/// The reads behind the web application's pages, from every side.
fn pages(a: &str, k: &dyn Fn(&str) -> String, cover: &mut dyn FnMut(&str, &str)) {
    // Dashboard: outcomes counted only where the viewer may see them; ingest health of the
    // viewer's own organisation, a coordinator's of all.
    cover("get", "/api/v1/dashboard");
    let dash = |u: &str| get(a, "/api/v1/dashboard", &k(u));
    let cathy = dash("cathy").body;
    assert!(
        cathy["totals"]["seizures"].as_u64().unwrap() >= 2,
        "{cathy}"
    );
    assert!(
        cathy["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["week"] == "2026-02-23")
    );
    // The carrier sees the two seizures shared with the group, not the one customs recorded
    // through the API under its own default marking.
    assert_eq!(dash("carl").body["totals"]["seizures"], 2);
    assert!(cathy["totals"]["seizures"].as_u64().unwrap() > 2);
    let bob = dash("bob").body;
    // Brandco sees only the fakes its own representative confirmed (of Nike, then of Adidas
    // while its ownership was approved), not the group's seizures.
    assert_eq!(
        bob["totals"]["seizures"], 2,
        "AMBER seizures stay in the group"
    );
    assert!(
        !bob["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["week"] == "2026-02-23")
    );
    // And S-NEW, the GREEN shipment the carrier uploaded, scored as it landed.
    assert_eq!(
        bob["queue"]["scored"].as_u64().unwrap() as usize,
        expected_full("bob").len() + 1
    );
    let orgs_of = |d: &Value| -> BTreeSet<String> {
        d["ingest"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["org"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(orgs_of(&dash("carl").body), ["carrier".to_string()].into());
    // An upload through the API is kept under the uploader's name, not a temporary file's.
    let files = dash("carl").body["ingest"]["files"].clone();
    assert!(
        files
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == "api:carl/shipments.csv"),
        "{files}"
    );
    assert!(!files.to_string().contains("interdict-upload-"), "{files}");
    assert_eq!(orgs_of(&cathy), ["customs".to_string()].into());
    assert!(
        orgs_of(&dash("ken").body).len() >= 3,
        "a coordinator sees every feed's health"
    );
    for auditor in ["cora", "kay"] {
        assert_eq!(dash(auditor).status, 403);
    }

    // Brand portal: the GREEN brand for everyone; suspects only of the viewer's own brands,
    // only among records it may see (S-AMB and S-STR name Nike but are hidden from brandco).
    cover("get", "/api/v1/brands");
    let nike = |body: &Value| -> Value {
        body["brands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == "Nike")
            .cloned()
            .unwrap_or_else(|| panic!("no Nike in {body}"))
    };
    let brands = get(a, "/api/v1/brands", &k("bob")).body;
    assert_eq!(nike(&brands)["marks"][0], "NIKE");
    let text = brands["suspects"].to_string();
    assert!(!text.contains("S-AMB") && !text.contains("S-STR"), "{text}");
    let carl = get(a, "/api/v1/brands", &k("carl")).body;
    assert_eq!(nike(&carl)["org"], "brandco");
    assert_eq!(
        carl["suspects"].as_array().unwrap().len(),
        0,
        "no brand of its own, no suspects"
    );
    assert_eq!(get(a, "/api/v1/brands", &k("kay")).status, 403);

    // Rules: every reader sees the pack that scores their queue; analysts and admins back-test
    // over what they see; an organisation's analysts and admins propose versions of its own
    // pack and a second person, its admin, switches one on; the platform's default pack (every
    // organisation's until it switches its own on) is the coordinator's; any earlier version can
    // be switched on again.
    cover("get", "/api/v1/rules");
    cover("put", "/api/v1/rules");
    cover("post", "/api/v1/rules/test");
    cover("get", "/api/v1/rules/versions");
    cover("post", "/api/v1/rules/versions/{number}/switch-on");
    let rules = get(a, "/api/v1/rules", &k("cathy")).body;
    assert_eq!(
        (
            &rules["may_test"],
            &rules["may_propose"],
            &rules["may_switch_on"]
        ),
        (
            &Value::from(false),
            &Value::from(false),
            &Value::from(false)
        )
    );
    assert_eq!(
        (&rules["line"], &rules["own"]),
        (&Value::from("customs"), &Value::from(false))
    );
    let carl_rules = get(a, "/api/v1/rules", &k("carl")).body;
    assert_eq!(
        (
            &carl_rules["may_test"],
            &carl_rules["may_propose"],
            &carl_rules["may_switch_on"]
        ),
        (&Value::from(true), &Value::from(true), &Value::from(false))
    );
    assert_eq!(get(a, "/api/v1/rules", &k("ken")).body["line"], "default");
    // Going back to the default pack is an organisation admin's choice; the coordinator's
    // line is the default. What a feed informs: readers read their own organisation's
    // settings, its admins change them (the flows are in
    // `scores_rest_on_what_each_organisation_may_see`).
    cover("post", "/api/v1/rules/default");
    cover("get", "/api/v1/shared-risk");
    cover("put", "/api/v1/shared-risk/{feed}");
    for (u, want) in [("ken", 403), ("carl", 403), ("cam", 400)] {
        let r = request(a, "POST", "/api/v1/rules/default", Some(&k(u)), None);
        assert_eq!(r.status, want, "{u}: {}", r.body);
    }
    assert_eq!(get(a, "/api/v1/shared-risk", &k("cora")).status, 403);
    assert_eq!(get(a, "/api/v1/shared-risk", &k("carl")).status, 200);
    for u in ["carl", "cathy", "ken", "alice"] {
        let r = request(
            a,
            "PUT",
            "/api/v1/shared-risk/shipments",
            Some(&k(u)),
            Some(("application/json", br#"{"contributes":"none"}"#.as_slice())),
        );
        assert_eq!(r.status, 403, "{u}");
    }
    assert_eq!(
        get(a, "/api/v1/rules", &k("cam")).body["may_switch_on"],
        true
    );
    let pack = rules["text"].as_str().unwrap().to_string();
    assert!(!rules["rules"].as_array().unwrap().is_empty());
    assert_eq!(get(a, "/api/v1/rules", &k("cora")).status, 403);
    let send = |u: &str, method: &str, path: &str, pack: &str| {
        let body = serde_json::json!({ "pack": pack, "note": "tighter" }).to_string();
        request(
            a,
            method,
            path,
            Some(&k(u)),
            Some(("application/json", body.as_bytes())),
        )
    };
    assert_eq!(
        send("cathy", "POST", "/api/v1/rules/test", &pack).status,
        403
    );
    let tested = send("carl", "POST", "/api/v1/rules/test", &pack);
    assert_eq!(tested.status, 200, "{}", tested.body);
    assert_eq!(tested.body["pack"], rules["version"]);
    assert_eq!(
        tested.body["rules"].as_array().unwrap().len(),
        rules["rules"].as_array().unwrap().len()
    );
    let broken = pack.replacen("brand_lookalike", "brand_lookalikee", 1);
    let bad = send("carl", "POST", "/api/v1/rules/test", &broken);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["field"], "pack");
    assert!(
        bad.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("brand_lookalikee"),
        "{}",
        bad.body
    );
    // Officers and representatives propose nothing; what another organisation's analyst
    // proposes is for its own pack: the default pack that scores everyone else stays.
    for u in ["cathy", "alice"] {
        assert_eq!(send(u, "PUT", "/api/v1/rules", &pack).status, 403, "{u}");
    }
    let elsewhere = send(
        "carl",
        "PUT",
        "/api/v1/rules",
        &pack.replacen("weight = 1.2", "weight = 1.1", 1),
    );
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.body);
    assert_eq!(elsewhere.body["status"], "proposed");
    assert_eq!(
        get(a, "/api/v1/rules/versions", &k("ken")).body["versions"][0]["author"],
        "platform",
        "the carrier's proposal is not in the default pack's history"
    );
    assert_eq!(send("ken", "PUT", "/api/v1/rules", &broken).status, 400);
    // An edit that leaves the version number alone still carries a new tag.
    let next = pack.replacen("weight = 1.2", "weight = 1.3", 1);
    assert_ne!(next, pack);
    let proposed = send("ken", "PUT", "/api/v1/rules", &next);
    assert_eq!(proposed.status, 200, "{}", proposed.body);
    assert_eq!(proposed.body["status"], "proposed");
    assert_eq!(proposed.body["author"], "centre:ken");
    assert!(
        proposed.body["diff"]
            .as_str()
            .unwrap()
            .contains("+weight = 1.3")
    );
    assert!(!proposed.body["backtest"].as_array().unwrap().is_empty());
    let tag = proposed.body["tag"].as_str().unwrap().to_string();
    assert_ne!(tag, rules["version"].as_str().unwrap());
    let number = proposed.body["number"].as_u64().unwrap();
    assert_eq!(
        get(a, "/api/v1/rules", &k("bob")).body["version"],
        rules["version"],
        "a proposal scores nothing"
    );
    let switch = |u: &str, n: u64| {
        request(
            a,
            "POST",
            &format!("/api/v1/rules/versions/{n}/switch-on"),
            Some(&k(u)),
            None,
        )
    };
    for u in ["ken", "carl"] {
        assert_eq!(switch(u, number).status, 403, "{u}");
    }
    // Customs' admin switches versions of customs' own pack, which has none of that number.
    assert_eq!(switch("dan", number).status, 404);
    assert_eq!(switch("cam", 999).status, 404);
    let on = switch("cam", number);
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(on.body["approved_by"], "centre:cam");
    assert_eq!(
        get(a, "/api/v1/rules", &k("bob")).body["version"],
        tag.as_str()
    );
    // The default pack's history is the coordinator's line; the brand has none of its own.
    assert_eq!(
        get(a, "/api/v1/rules/versions", &k("bob")).body["versions"],
        json!([])
    );
    let history = get(a, "/api/v1/rules/versions", &k("ken")).body;
    assert_eq!(history["versions"][0]["tag"], tag.as_str());
    assert_eq!(history["versions"][0]["status"], "active");
    assert_eq!(history["active"], number);
    // A rollback: the version before is switched on again.
    let first = history["versions"].as_array().unwrap().last().unwrap()["number"]
        .as_u64()
        .unwrap();
    assert_eq!(switch("cam", first).status, 200);
    assert_eq!(
        get(a, "/api/v1/rules", &k("bob")).body["version"],
        rules["version"]
    );
    assert_eq!(switch("cam", number).status, 200);

    // The audit chain's verification: auditors and admins only.
    cover("get", "/api/v1/audit/verify");
    let check = get(a, "/api/v1/audit/verify", &k("kay")).body;
    assert_eq!(check["ok"], true, "{check}");
    assert!(check["entries"].as_u64().unwrap() > 0);
    assert_eq!(get(a, "/api/v1/audit/verify", &k("carl")).status, 403);
}

fn tampering_is_found(w: &World) {
    let d = s(&w.db);
    let an = s(&w.anchor);
    // An entry written by a command beside a running server is anchored by the server, so
    // deleting it is found too.
    {
        let server = start(&w.db, &w.anchor);
        run_ok(&["admin", "key", "--db", d, "--user", "kay"]);
        let conn = rusqlite::Connection::open(&w.db).unwrap();
        let seq: i64 = conn
            .query_row(
                "SELECT MAX(seq) FROM audit_log WHERE event LIKE '%admin.create_key%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let t = std::time::Instant::now();
        loop {
            let text = std::fs::read_to_string(&w.anchor).unwrap_or_default();
            let last: i64 = text
                .lines()
                .filter_map(|l| l.split_whitespace().next()?.parse().ok())
                .max()
                .unwrap_or(0);
            if last >= seq {
                break;
            }
            assert!(
                t.elapsed() < std::time::Duration::from_secs(10),
                "the command's entry {seq} was not anchored: {}",
                server.log_tail()
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        drop(server);
        let copy = w.db.with_file_name("without-the-key-entry.db");
        conn.execute("VACUUM INTO ?1", [s(&copy)]).unwrap();
        let copied = rusqlite::Connection::open(&copy).unwrap();
        copied
            .execute("DELETE FROM audit_log WHERE seq >= ?1", [seq])
            .unwrap();
        drop(copied);
        let out = run(&["audit", "verify", "--db", s(&copy), "--anchor", an]);
        assert_eq!(
            out.status.code(),
            Some(3),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("entries were removed"));
        assert!(run_ok(&["audit", "verify", "--db", d, "--anchor", an]).contains("sound"));
    }
    let conn = rusqlite::Connection::open(&w.db).unwrap();
    let (seq, event): (i64, String) = conn
        .query_row(
            "SELECT seq, event FROM audit_log WHERE event LIKE '%search%' ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let forged = event.replace("\"search\"", "\"read\"");
    assert_ne!(forged, event);
    conn.execute(
        "UPDATE audit_log SET event = ?1 WHERE seq = ?2",
        rusqlite::params![forged, seq],
    )
    .unwrap();
    let out = run(&["audit", "verify", "--db", d, "--anchor", an]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("entry {seq} was altered")));
    // A forger who recomputes every later hash is caught by the anchor.
    let mut rows: Vec<(i64, String)> = conn
        .prepare("SELECT seq, event FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut chain = interdict_audit::Chain::default();
    for (seq, event) in rows.drain(..) {
        let e = chain.append(serde_json::from_str(&event).unwrap());
        conn.execute(
            "UPDATE audit_log SET prev = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![&e.prev.0[..], &e.hash.0[..], seq],
        )
        .unwrap();
    }
    assert!(
        run_ok(&["audit", "verify", "--db", d]).contains("sound"),
        "without the anchor the rewrite passes"
    );
    let out = run(&["audit", "verify", "--db", d, "--anchor", an]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("anchored outside the database"));
}

#[test]
fn admin_commands_refuse_bad_input_and_keys_can_be_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let d = s(&db);
    let err = |args: &[&str]| String::from_utf8_lossy(&run(args).stderr).to_string();
    assert!(
        err(&["admin", "org", "--db", d, "x", "--kind", "bank"])
            .contains("unknown organisation kind")
    );
    run_ok(&["admin", "org", "--db", d, "x", "--kind", "customs"]);
    assert!(err(&["admin", "org", "--db", d, "x", "--kind", "customs"]).contains("already exists"));
    assert!(
        err(&[
            "admin", "user", "--db", d, "u", "--org", "nope", "--role", "officer"
        ])
        .contains("no organisation")
    );
    assert!(
        err(&[
            "admin", "user", "--db", d, "u", "--org", "x", "--role", "king"
        ])
        .contains("unknown role")
    );
    run_ok(&[
        "admin", "user", "--db", d, "u", "--org", "x", "--role", "officer",
    ]);
    // What a feed informs: a known organisation and setting, kept and audited.
    let shared_risk = |org: &str, feed: &str, to: &str| {
        run(&[
            "admin",
            "shared-risk",
            "--db",
            d,
            "--org",
            org,
            "--feed",
            feed,
            to,
        ])
    };
    let refused = |o: std::process::Output| {
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    assert!(refused(shared_risk("nope", "parties", "all")).contains("no organisation"));
    assert!(refused(shared_risk("x", "parties", "some")).contains("default, all or none"));
    refused(shared_risk("x", "parcels", "all"));
    let entries = || -> u64 {
        let v: Value =
            serde_json::from_str(&run_ok(&["audit", "verify", "--db", d, "--json"])).unwrap();
        v["entries"].as_u64().unwrap_or_else(|| panic!("{v}"))
    };
    let before = entries();
    let said = String::from_utf8_lossy(&shared_risk("x", "parties", "none").stdout).to_string();
    assert!(
        said.contains("x's parties records inform other organisations' scores: none"),
        "{said}"
    );
    assert_eq!(entries(), before + 1, "the setting was not audited");
    assert!(
        err(&[
            "admin",
            "group",
            "--db",
            d,
            "g",
            "--members",
            "x,user:ghost"
        ])
        .contains("no user")
    );
    let token = run_ok(&["admin", "key", "--db", d, "--user", "u"])
        .trim()
        .to_string();
    let other = run_ok(&["admin", "key", "--db", d, "--user", "u"])
        .trim()
        .to_string();
    let list = run_ok(&["admin", "list", "--db", d]);
    assert!(!list.contains(&token[17..]), "secrets are never listed");
    let id = &token[4..16];
    let server = start(&db, &dir.path().join("a.anchor"));
    assert_eq!(get(&server.addr, "/api/v1/me", &token).status, 200);
    run_ok(&["admin", "revoke", "--db", d, id]);
    // The server re-reads keys every two seconds.
    std::thread::sleep(std::time::Duration::from_millis(2600));
    assert_eq!(get(&server.addr, "/api/v1/me", &token).status, 401);
    assert!(err(&["admin", "revoke", "--db", d, id]).contains("no live key"));
    // The revocation went into the audit chain behind the server's back; the server's next
    // entry follows it instead of forking the chain.
    assert_eq!(
        get(&server.addr, "/api/v1/search?q=anyone", &other).status,
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(server);
    let anchor = dir.path().join("a.anchor");
    let v: serde_json::Value = serde_json::from_str(&run_ok(&[
        "audit",
        "verify",
        "--db",
        d,
        "--anchor",
        s(&anchor),
        "--json",
    ]))
    .unwrap();
    // org, user, the shared-risk setting, two keys, the revocation and the search.
    assert_eq!(v["entries"], 7, "{v}");
}

/// A store with one organisation and one user; gives the user's API key.
fn one_user(db: &Path, org: &str, kind: &str, user: &str, role: &str) -> String {
    let d = s(db);
    run_ok(&["admin", "org", "--db", d, org, "--kind", kind]);
    run_ok(&[
        "admin", "user", "--db", d, user, "--org", org, "--role", role,
    ]);
    run_ok(&["admin", "key", "--db", d, "--user", user])
        .trim()
        .to_string()
}

#[test]
fn the_server_speaks_https_when_given_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes a test certificate");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let db = dir.path().join("p.db");
    let d = s(&db);
    let token = one_user(&db, "x", "customs", "u", "officer");
    let server = start_with(
        &db,
        &dir.path().join("a.anchor"),
        &["--tls-cert", s(&cert), "--tls-key", s(&key)],
    );
    let curl = |scheme: &str| {
        std::process::Command::new("curl")
            .args(["-sS", "--insecure", "--max-time", "5", "-H"])
            .arg(format!("Authorization: Bearer {token}"))
            .arg(format!("{scheme}://{}/api/v1/me", server.addr))
            .output()
            .expect("curl runs")
    };
    let over_tls = curl("https");
    assert!(
        over_tls.status.success(),
        "{}",
        String::from_utf8_lossy(&over_tls.stderr)
    );
    let me: Value = serde_json::from_slice(&over_tls.stdout).unwrap();
    assert_eq!(me["user"], "u");
    let head = std::process::Command::new("curl")
        .args([
            "-sS",
            "--insecure",
            "--max-time",
            "5",
            "-o",
            "/dev/null",
            "-D",
            "-",
        ])
        .arg(format!("https://{}/healthz", server.addr))
        .output()
        .expect("curl runs");
    let head = String::from_utf8_lossy(&head.stdout).to_ascii_lowercase();
    assert!(
        head.contains("strict-transport-security: max-age="),
        "browsers are told to keep to HTTPS: {head}"
    );
    assert!(
        !curl("http").status.success() || curl("http").stdout.is_empty(),
        "no plain HTTP on a TLS port"
    );
    // A missing key file is a clear error, not a crash.
    let out = bin()
        .args([
            "serve",
            "--db",
            d,
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            s(&cert),
            "--tls-key",
        ])
        .arg(dir.path().join("nope.pem"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.pem"));
}

#[test]
fn two_ingests_and_an_upload_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let d = s(&db);
    let token = one_user(&db, "api-org", "carrier", "up", "analyst");
    let rows = |prefix: &str| {
        let mut text = String::from(HEADER);
        text.push('\n');
        for i in 0..4000 {
            text.push_str(&format!(
                "{prefix}-{i},swift,2026-03-02,CN,CN,LHR,Shipper {i},s{i}@x.cn,CN,Consignee {i},{i} Road,GB,shoes,640399,1,5 USD\n"
            ));
        }
        text
    };
    let server = start(&db, &dir.path().join("a.anchor"));
    let mut ingests = Vec::new();
    for org in ["cli-one", "cli-two"] {
        let path = dir.path().join(format!("{org}.csv"));
        std::fs::write(&path, rows(org)).unwrap();
        ingests.push(
            bin()
                .args([
                    "ingest",
                    "--db",
                    d,
                    "--org",
                    org,
                    "--feed",
                    "shipments",
                    "--reports",
                ])
                .arg(dir.path().join("reports"))
                .arg(&path)
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    let body = rows("api");
    let up = request(
        &server.addr,
        "POST",
        "/api/v1/feeds/shipments",
        Some(&token),
        Some(("text/csv", body.as_bytes())),
    );
    for mut c in ingests {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(up.status, 200, "{}", up.body);
    assert_eq!(up.body["landed"], 4000);
    drop(server);
    let stats: Value = serde_json::from_str(&run_ok(&["stats", "--db", d, "--json"])).unwrap();
    let count = |org: &str| {
        stats
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["org"] == org)
            .map(|s| s["records"].as_u64().unwrap())
    };
    assert_eq!(count("cli-one"), Some(4000));
    assert_eq!(count("cli-two"), Some(4000));
    assert_eq!(count("api-org"), Some(4000));
}

/// Officers recording decisions while a partner uploads thousands of shipments under a label
/// its shipments never had: every decision lands once and shows on its shipment, every
/// shipment is scored, and the server takes it all in place (no rebuild of its read model).
#[test]
fn decisions_recorded_beside_a_large_upload_all_land_once() {
    let w = world(|dir| dir.join("platform.db"));
    let server = common::server::serve_logging(&w.db, &w.anchor, &[], "info");
    let (carl, cathy) = (w.keys["carl"].clone(), w.keys["cathy"].clone());
    until_live(&server.addr, &carl);
    let mut csv = String::from(
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,consignee.name,items.description,items.value\n",
    );
    for i in 0..3_000 {
        csv.push_str(&format!(
            "BULK-{i},2026-03-0{},CN,LHR,Shipper {},Consignee {},sports shoes,{} USD\n",
            1 + i % 9,
            i % 97,
            i % 499,
            5 + i % 40
        ));
    }
    std::thread::scope(|scope| {
        let upload = scope.spawn(|| {
            request(
                &server.addr,
                "POST",
                "/api/v1/feeds/shipments?marking=RED",
                Some(&carl),
                Some(("text/csv", csv.as_bytes())),
            )
        });
        let officers: Vec<_> = (0..8)
            .map(|o| {
                let (addr, cathy) = (&server.addr, &cathy);
                scope.spawn(move || {
                    for n in 0..5 {
                        let body = serde_json::json!({"marking": "AMBER", "sharing_group": "ops",
                            "records": [{"source_id": format!("DESK-{o}-{n}"), "result": "released",
                                         "date": "2026-03-06", "shipment_id": "S-GRN"}]});
                        let r = post_json(addr, "/api/v1/outcomes", cathy, body);
                        assert_eq!(r.status, 200, "{}", r.body);
                        assert_eq!(r.body["landed"], 1, "{}", r.body);
                    }
                })
            })
            .collect();
        for o in officers {
            o.join().unwrap();
        }
        let up = upload.join().unwrap();
        assert_eq!(up.status, 200, "{}", up.body);
        assert_eq!(
            (&up.body["landed"], &up.body["scored"]),
            (&json!(3_000), &json!(3_000)),
            "{}",
            up.body
        );
    });
    let mut want: Vec<String> = (0..8)
        .flat_map(|o| (0..5).map(move |n| format!("customs/outcomes/DESK-{o}-{n}")))
        .collect();
    want.sort();
    until_outcomes(&server.addr, &cathy, "every decision", |keys| {
        let mut desk: Vec<&String> = keys.iter().filter(|k| k.contains("DESK-")).collect();
        desk.sort();
        desk.iter()
            .map(|k| k.as_str())
            .eq(want.iter().map(String::as_str))
    });
    for id in ["BULK-0", "BULK-1500", "BULK-2999"] {
        let r = get(
            &server.addr,
            &format!("/api/v1/shipments/carrier/{id}"),
            &carl,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body["score"]["score"].is_number(),
            "{id} is scored: {}",
            r.body
        );
    }
    let log = server.stop();
    assert!(
        !log.contains("read model rebuilt"),
        "everything was taken in place: {log}"
    );
}

/// A response's status, head and body as bytes (a PDF, a ZIP).
fn fetch_bytes(addr: &str, path: &str, key: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {key}\r\n\r\n"
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

fn header_of(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

fn post_json(a: &str, path: &str, key: &str, body: Value) -> Reply {
    request(
        a,
        "POST",
        path,
        Some(key),
        Some(("application/json", body.to_string().as_bytes())),
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    let out = std::process::Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(bytes)?;
            c.wait_with_output()
        })
        .expect("sha256sum runs");
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Cases from every side: who reads and works one under each marking, what a reader is shown
/// of evidence it may not see, deconfliction notices on actors and queue rows, conflicts, files,
/// exports and the referral package with its hashes.
fn cases(a: &str, w: &World, k: &dyn Fn(&str) -> String, cover: &mut dyn FnMut(&str, &str)) {
    for (m, p) in [
        ("get", "/api/v1/cases"),
        ("post", "/api/v1/cases"),
        ("get", "/api/v1/cases/{id}"),
        ("post", "/api/v1/cases/{id}/changes"),
        ("post", "/api/v1/cases/{id}/files"),
        ("get", "/api/v1/cases/{id}/files/{sha256}"),
        ("get", "/api/v1/cases/{id}/referral"),
        ("get", "/api/v1/notices"),
    ] {
        cover(m, p);
    }
    let sun = actor_of(&w.db, "S-GR2#shipper");

    // The centre opens an AMBER case on the sender, from the parcel everybody sees.
    let open = post_json(
        a,
        "/api/v1/cases",
        &k("ken"),
        json!({"title": "Sun Export watches", "actors": [sun], "records": ["carrier/shipments/S-GR2"],
               "note": "sender of fake watches; @cam to review"}),
    );
    assert_eq!(open.status, 201, "{}", open.body);
    let ken_case = open.body["id"].as_str().unwrap().to_string();
    assert_eq!(open.body["actors"][0]["name"], "Sun Export Co");
    assert_eq!(open.body["marking"], "TLP:AMBER");
    assert_eq!(
        open.body["records"][0]["sha256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(open.body["notes"][0]["mentions"][0], "cam");
    assert_eq!(open.body["version"], 1);
    // A record the centre may not see is refused exactly as one that does not exist.
    let change = |key: &str, id: &str, version: u64, changes: Value| {
        post_json(
            a,
            &format!("/api/v1/cases/{id}/changes"),
            &k(key),
            json!({"version": version, "changes": changes}),
        )
    };
    let hidden = change(
        "ken",
        &ken_case,
        1,
        json!([{"op": "add_record", "record": "carrier/shipments/S-AMB"}]),
    );
    let missing = change(
        "ken",
        &ken_case,
        1,
        json!([{"op": "add_record", "record": "carrier/shipments/S-NONE"}]),
    );
    assert_eq!(hidden.status, 400);
    assert_eq!(hidden.body["error"]["field"], "record");
    assert_eq!(
        hidden.body["error"]["message"]
            .as_str()
            .unwrap()
            .replace("S-AMB", "X"),
        missing.body["error"]["message"]
            .as_str()
            .unwrap()
            .replace("S-NONE", "X")
    );
    let hidden_actor = change("bob", &ken_case, 1, json!([{"op": "note", "text": "x"}]));
    assert_eq!(
        hidden_actor.status, 404,
        "brandco cannot even learn the case exists"
    );
    // The workflow, and a change made against an old version.
    let jump = change(
        "ken",
        &ken_case,
        1,
        json!([{"op": "status", "status": "referred"}]),
    );
    assert_eq!(jump.body["error"]["field"], "status", "{}", jump.body);
    let active = change(
        "ken",
        &ken_case,
        1,
        json!([{"op": "status", "status": "active"},
        {"op": "add_task", "text": "test buy from the shop", "assignee": "ken", "due": "2026-04-01"}]),
    );
    assert_eq!(active.status, 200, "{}", active.body);
    assert_eq!(active.body["version"], 2);
    let stale = change(
        "cam",
        &ken_case,
        1,
        json!([{"op": "title", "title": "Other"}]),
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(stale.body["error"]["code"], "conflict");
    // Every step of the case was audited with the case as its target.
    assert_eq!(
        get(a, &format!("/api/v1/cases/{ken_case}"), &k("kay")).status,
        403
    );

    // Customs opens its own case on the same sender: both organisations are told, by
    // existence only, and the officer sees it on the queue row of the sender's parcel.
    let cathy_open = post_json(
        a,
        "/api/v1/cases",
        &k("cathy"),
        json!({"title": "Watches at LHR", "actors": [sun], "records": ["carrier/shipments/S-AM2"], "note": "@dan take this"}),
    );
    assert_eq!(cathy_open.status, 201, "{}", cathy_open.body);
    let cathy_case = cathy_open.body["id"].as_str().unwrap().to_string();
    let told =
        |user: &str| get(a, &format!("/api/v1/actors/{sun}"), &k(user)).body["cases"].clone();
    let ken_told = told("ken");
    assert!(
        ken_told
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "case" && n["case"] == ken_case.as_str()),
        "{ken_told}"
    );
    let from_customs = ken_told
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["org"] == "customs")
        .unwrap()
        .clone();
    assert_eq!(from_customs["kind"], "deconfliction");
    assert!(
        from_customs["case"].is_null(),
        "an AMBER case is told by existence only: {from_customs}"
    );
    assert!(
        from_customs["note"]
            .as_str()
            .unwrap()
            .contains("contact customs")
    );
    assert!(!ken_told.to_string().contains("Watches at LHR"));
    let cathy_told = told("cathy");
    assert!(
        cathy_told
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["org"] == "centre" && n["case"].is_null()),
        "{cathy_told}"
    );
    assert!(!cathy_told.to_string().contains("Sun Export watches"));
    let queue = get(a, "/api/v1/queue?limit=500", &k("cathy")).body;
    let row = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["shipment_id"] == "S-GR2")
        .unwrap()
        .clone();
    let notes: Vec<&str> = row["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["note"].as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("shipper: ") && n.contains(&cathy_case)),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("shipper: ")
                && n.contains("organisation centre has an open case")),
        "{notes:?}"
    );
    // The notices page: the other side's case, and a note that names the caller.
    let dan = get(a, "/api/v1/notices", &k("dan")).body;
    assert!(
        dan["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "mention" && n["case"] == cathy_case.as_str()),
        "{dan}"
    );
    assert!(
        dan["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "deconfliction" && n["org"] == "centre"),
        "{dan}"
    );
    // A RED case tells nobody outside its group; a closed one tells nobody.
    let red = post_json(
        a,
        "/api/v1/cases",
        &k("bob"),
        json!({"title": "Brand probe", "marking": "RED", "actors": [sun]}),
    );
    assert_eq!(red.status, 201, "{}", red.body);
    let bob_case = red.body["id"].as_str().unwrap().to_string();
    assert!(!told("ken").to_string().contains("brandco"));
    assert!(!told("cathy").to_string().contains("brandco"));
    assert!(
        told("bob")
            .to_string()
            .contains("organisation customs has an open case")
    );
    let close = change(
        "bob",
        &bob_case,
        1,
        json!([{"op": "status", "status": "closed"}]),
    );
    assert_eq!(close.status, 200, "{}", close.body);
    assert!(!told("carl").to_string().contains("brandco"));

    // Reading: a case answers as missing to organisations its marking keeps out.
    let nope = get(a, "/api/v1/cases/CASE-0000000000", &k("cathy"));
    let kept_out = get(a, &format!("/api/v1/cases/{ken_case}"), &k("cathy"));
    assert_eq!((kept_out.status, &kept_out.body), (nope.status, &nope.body));
    assert_eq!(
        get(a, &format!("/api/v1/cases/{ken_case}"), &k("cam")).status,
        200
    );
    let list = |user: &str| get(a, "/api/v1/cases", &k(user)).body.to_string();
    assert!(list("ken").contains(&ken_case) && !list("ken").contains(&cathy_case));
    assert!(!list("carl").contains(&cathy_case) && !list("bob").contains(&ken_case));
    // Shared with the ops group, customs' case is read and worked by the carrier, not by others.
    let shared = change(
        "cathy",
        &cathy_case,
        1,
        json!([{"op": "marking", "marking": "AMBER", "sharing_group": "ops"}]),
    );
    assert_eq!(shared.status, 200, "{}", shared.body);
    let carl_reads = get(a, &format!("/api/v1/cases/{cathy_case}"), &k("carl"));
    assert_eq!(carl_reads.status, 200);
    assert_eq!(carl_reads.body["may_write"], true);
    assert!(
        carl_reads.body["sharing_group"].is_null(),
        "who else is in the group is the owner's business"
    );
    let carl_note = change(
        "carl",
        &cathy_case,
        2,
        json!([{"op": "note", "text": "same sender ships weekly"}]),
    );
    assert_eq!(carl_note.status, 200, "{}", carl_note.body);
    assert_eq!(
        get(a, &format!("/api/v1/cases/{cathy_case}"), &k("bob")).status,
        404
    );
    // Relabelling is the owner's alone.
    let relabel = change(
        "carl",
        &cathy_case,
        3,
        json!([{"op": "marking", "marking": "GREEN"}]),
    );
    assert_eq!(
        relabel.body["error"]["field"], "marking",
        "{}",
        relabel.body
    );

    // A GREEN case is read by everybody, worked only by its owner, and shows each reader only
    // the evidence it may see: RED records not at all, AMBER+STRICT ones as held elsewhere.
    let green = post_json(
        a,
        "/api/v1/cases",
        &k("carl"),
        json!({"title": "Open ring", "marking": "GREEN",
               "records": ["carrier/shipments/S-RED", "carrier/shipments/S-STR", "carrier/shipments/S-GRN"]}),
    );
    assert_eq!(green.status, 201, "{}", green.body);
    let green_case = green.body["id"].as_str().unwrap().to_string();
    let cathy_green = get(a, &format!("/api/v1/cases/{green_case}"), &k("cathy")).body;
    let keys: Vec<&str> = cathy_green["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["carrier/shipments/S-GRN"]);
    assert_eq!(
        cathy_green["held_elsewhere"][0]["org"], "carrier",
        "{cathy_green}"
    );
    let text = cathy_green.to_string();
    assert!(
        !text.contains("S-RED")
            && !text.contains("S-STR")
            && !text.contains("Moon")
            && !text.contains("Dragon"),
        "{text}"
    );
    assert_eq!(cathy_green["may_write"], false);
    let not_hers = change(
        "cathy",
        &green_case,
        1,
        json!([{"op": "note", "text": "x"}]),
    );
    assert_eq!(not_hers.status, 403, "{}", not_hers.body);
    assert_eq!(
        fetch_bytes(
            a,
            &format!("/api/v1/cases/{green_case}/referral"),
            &k("cathy")
        )
        .0,
        403
    );

    // Files are kept by their SHA-256 and given back only to readers of the case.
    let photo = b"\x89PNG fake photo of a seized watch".to_vec();
    let up = request(
        a,
        "POST",
        &format!("/api/v1/cases/{ken_case}/files?name=watch.png"),
        Some(&k("ken")),
        Some(("image/png", &photo)),
    );
    assert_eq!(up.status, 200, "{}", up.body);
    let file_sha = sha256_hex(&photo);
    assert_eq!(up.body["files"][0]["sha256"], file_sha.as_str());
    let (st, _, back) = fetch_bytes(
        a,
        &format!("/api/v1/cases/{ken_case}/files/{file_sha}"),
        &k("ken"),
    );
    assert_eq!((st, back), (200, photo.clone()));
    assert_eq!(
        fetch_bytes(
            a,
            &format!("/api/v1/cases/{ken_case}/files/{file_sha}"),
            &k("cathy")
        )
        .0,
        404
    );

    // The referral package: a PDF whose text carries every evidence hash, a ZIP with a manifest,
    // each hashed in a header and in the audit trail.
    let record_sha = open.body["records"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, head, pdf) = fetch_bytes(
        a,
        &format!("/api/v1/cases/{ken_case}/referral?format=pdf"),
        &k("ken"),
    );
    assert_eq!(st, 200, "{head}");
    assert_eq!(
        header_of(&head, "x-content-sha256").unwrap(),
        sha256_hex(&pdf)
    );
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("referral.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([s(&pdf_path), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed to check referral PDFs");
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    for needle in [
        record_sha.as_str(),
        file_sha.as_str(),
        ken_case.as_str(),
        "Sun Export watches",
        "Sun Export Co",
        "case.open",
    ] {
        assert!(
            text.contains(needle),
            "the referral PDF lacks {needle}:\n{text}"
        );
    }
    let (st, head, zip) = fetch_bytes(a, &format!("/api/v1/cases/{ken_case}/referral"), &k("ken"));
    assert_eq!(st, 200);
    let zip_sha = header_of(&head, "x-content-sha256").unwrap();
    assert_eq!(zip_sha, sha256_hex(&zip));
    let zip_path = dir.path().join("referral.zip");
    std::fs::write(&zip_path, &zip).unwrap();
    let check = std::process::Command::new("unzip")
        .args(["-t", s(&zip_path)])
        .output()
        .expect("unzip must be installed to check referral packages");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let manifest = std::process::Command::new("unzip")
        .args(["-p", s(&zip_path), "MANIFEST.sha256"])
        .output()
        .unwrap();
    let manifest = String::from_utf8_lossy(&manifest.stdout).to_string();
    assert!(
        manifest.contains(&format!(
            "{}  report.pdf",
            sha256_hex(&{
                let out = std::process::Command::new("unzip")
                    .args(["-p", s(&zip_path), "report.pdf"])
                    .output()
                    .unwrap();
                out.stdout
            })
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!(
            "{file_sha}  evidence/{}-watch.png",
            &file_sha[..12]
        )),
        "{manifest}"
    );
    let audit = get(a, "/api/v1/audit?action=export&limit=1000", &k("kay")).body;
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["target"] == format!("case {ken_case}").as_str()
                && e["detail"].as_str().unwrap().contains(&zip_sha)),
        "{audit}"
    );
    // The carrier, working customs' shared case, exports only what it may see.
    let (st, _, carl_json) = fetch_bytes(
        a,
        &format!("/api/v1/cases/{cathy_case}/referral?format=json"),
        &k("carl"),
    );
    assert_eq!(st, 200);
    let carl_json: Value = serde_json::from_slice(&carl_json).unwrap();
    assert_eq!(
        carl_json["evidence"][0]["reference"],
        "carrier/shipments/S-AM2"
    );
    assert_eq!(
        fetch_bytes(
            a,
            &format!("/api/v1/cases/{cathy_case}/referral?format=doc"),
            &k("carl")
        )
        .0,
        400
    );

    // The case list as CSV holds what the JSON list holds.
    let (st, head, csv) = fetch_bytes(a, "/api/v1/cases?format=csv", &k("ken"));
    assert_eq!(st, 200);
    assert!(head.to_ascii_lowercase().contains("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,title,status"), "{csv}");
    assert!(
        csv.contains(&ken_case) && csv.contains("Open ring") && !csv.contains("Watches at LHR"),
        "{csv}"
    );
}

/// A marketplace's seller account (AMBER+STRICT) and its GREEN listings, a carrier's GREEN
/// parcel from the same seller and the coordinator's RED watch-list entry on it: the listings
/// reach the actor's profile only for readers who see the account they hang on, and the
/// network says "on a watch list" only to readers who see the entry.
#[test]
fn listings_and_watch_lists_reach_an_actor_only_through_records_the_reader_sees() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    let d = s(&db);
    let mia = one_user(&db, "mkt", "marketplace", "mia", "analyst");
    let carl = one_user(&db, "carrier", "carrier", "carl", "analyst");
    let ken = one_user(&db, "centre", "coordinator", "ken", "analyst");
    let ingest = |org: &str, feed: &str, marking: &str, text: &str| {
        let path = dir.path().join(format!("{org}-{feed}.csv"));
        std::fs::write(&path, text).unwrap();
        run_ok(&[
            "ingest",
            "--db",
            d,
            "--org",
            org,
            "--feed",
            feed,
            "--marking",
            marking,
            "--reports",
            s(&dir.path().join("reports")),
            s(&path),
        ]);
    };
    let who = "Jade Lotus Trading,jade@lotus.cn,+8613812345678";
    ingest(
        "mkt",
        "sellers",
        "AMBER+STRICT",
        &format!("source_id,marketplace,name,emails,phones\nJL-1,mkt,{who}\n"),
    );
    ingest(
        "mkt",
        "listings",
        "GREEN",
        "source_id,marketplace,seller_account_id,title,price.amount,price.currency\nL-1,mkt,JL-1,Lotus handbag,35,GBP\nL-2,mkt,JL-1,Lotus wallet,12,GBP\nL-3,mkt,OTHER,Plain scarf,9,GBP\n",
    );
    ingest(
        "carrier",
        "shipments",
        "GREEN",
        &format!(
            "source_id,arrival,origin_country,shipper.name,shipper.emails,shipper.phones,items.description,items.value\nP-1,2026-03-02,CN,{who},handbags,40 USD\n"
        ),
    );
    ingest(
        "centre",
        "parties",
        "RED",
        &format!("source_id,list,name,emails,phones\nW-1,watch,{who}\n"),
    );
    run_ok(&["resolve", "--db", d]);
    run_ok(&["score", "--db", d]);
    let server = start(&db, &dir.path().join("a.anchor"));
    let a = server.addr.as_str();
    let actor = actor_of(&db, "P-1#shipper");
    assert_eq!(
        actor_of(&db, "JL-1"),
        actor,
        "the account and the parcel are one actor"
    );
    assert_eq!(
        actor_of(&db, "W-1"),
        actor,
        "the watch-list entry is that actor"
    );
    let profile = |key: &str| get(a, &format!("/api/v1/actors/{actor}"), key).body;
    let keys = |v: &Value, field: &str, inner: Option<&str>| -> Vec<String> {
        v[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| match inner {
                Some(f) => x[f].as_str().unwrap().to_string(),
                None => x.as_str().unwrap().to_string(),
            })
            .collect()
    };

    // The marketplace sees its account and the listings it holds, not another account's.
    let own = profile(&mia);
    assert_eq!(keys(&own, "seller_accounts", None), ["mkt/sellers/JL-1"]);
    let mut listed = keys(&own, "listings", Some("key"));
    listed.sort();
    assert_eq!(listed, ["mkt/listings/L-1", "mkt/listings/L-2"]);
    assert_eq!(own["listings_total"], 2);
    assert!(
        own["listings"][0]["price"]
            .as_str()
            .unwrap()
            .ends_with(" GBP")
    );

    // The carrier sees the GREEN listings on their own pages, but not that they are this
    // actor's: the account that ties them to it is AMBER+STRICT. Whom to ask, nothing more.
    for key in [&carl, &ken] {
        let p = profile(key);
        assert_eq!(p["seller_accounts"], json!([]));
        assert_eq!(p["listings"], json!([]));
        assert_eq!(p["listings_total"], 0);
        assert!(!p.to_string().contains("Lotus handbag"));
        assert!(
            p["held_elsewhere"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["org"] == "mkt")
        );
        assert_eq!(get(a, "/api/v1/listings/mkt/L-1", key).status, 200);
    }

    // "On a watch list" is the coordinator's to know: its RED entry.
    let node = |key: &str| {
        let net = get(a, &format!("/api/v1/actors/{actor}/network"), key).body;
        net["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == actor.as_str())
            .map(|n| n["listed"].clone())
    };
    assert_eq!(node(&ken), Some(json!(true)));
    assert_eq!(node(&mia), Some(json!(false)));
    assert_eq!(node(&carl), Some(json!(false)));
}

/// A decision recorded without a marking is shared as the record it is about: customs' seizure
/// of a parcel it shares with the coordinator's group is the group's to read, and a marketplace
/// outside it gets the same 404 as for nothing.
#[test]
fn a_decision_is_shared_as_the_record_it_is_about() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let d = s(&db);
    let cathy = one_user(&db, "customs", "customs", "cathy", "officer");
    let ken = one_user(&db, "centre", "coordinator", "ken", "analyst");
    let mia = one_user(&db, "mkt", "marketplace", "mia", "analyst");
    run_ok(&["admin", "group", "--db", d, "joint", "--members", "centre"]);
    let path = dir.path().join("entries.csv");
    std::fs::write(
        &path,
        format!("{HEADER}\nE-1,swift,2026-03-02,CN,CN,LHR,Star Trading Ltd,star@trade.cn,CN,John Doe,1 High St,GB,NIKE shoes,640399,2,8 USD\n"),
    )
    .unwrap();
    run_ok(&[
        "ingest",
        "--db",
        d,
        "--org",
        "customs",
        "--feed",
        "shipments",
        "--marking",
        "AMBER",
        "--sharing-group",
        "joint",
        "--reports",
        s(&dir.path().join("r")),
        s(&path),
    ]);
    run_ok(&["resolve", "--db", d]);
    run_ok(&["score", "--db", d]);
    let server = start(&db, &dir.path().join("a.anchor"));
    let a = server.addr.as_str();
    let seize = |id: &str, extra: Value| {
        let mut body = json!({"records": [{"source_id": id, "result": "seized_counterfeit",
            "date": "2026-03-03", "shipment_id": "E-1"}]});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let r = post_json(a, "/api/v1/outcomes", &cathy, body);
        assert_eq!(r.status, 200, "{}", r.body);
    };
    seize("O-1", json!({}));
    let o1 = get(a, "/api/v1/records/customs/outcomes/O-1", &cathy).body;
    assert_eq!(
        (o1["marking"].as_str(), o1["sharing_group"].as_str()),
        (Some("AMBER"), Some("joint"))
    );
    assert_eq!(
        get(a, "/api/v1/records/customs/outcomes/O-1", &ken).status,
        200
    );
    assert_eq!(
        get(a, "/api/v1/records/customs/outcomes/O-1", &mia).status,
        404
    );
    // A marking given is kept as given.
    seize("O-2", json!({"marking": "AMBER+STRICT"}));
    let o2 = get(a, "/api/v1/records/customs/outcomes/O-2", &cathy).body;
    assert_eq!(
        (o2["marking"].as_str(), o2["sharing_group"].as_str()),
        (Some("AMBER+STRICT"), None)
    );
    assert_eq!(
        get(a, "/api/v1/records/customs/outcomes/O-2", &ken).status,
        404
    );
}
