//! Profiles uncached phone parsing: `cargo run --release -p interdict-normalize --example phone_profile`.

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let n = 20_000u64;
    // Build the lookup tables first.
    black_box(interdict_normalize::phone::e164("+44 7700 900123", None).ok());
    let start = Instant::now();
    for i in 0..n {
        let raw = format!("+44 7700 9{:05}", i % 100_000);
        black_box(interdict_normalize::phone::e164(&raw, None).ok());
    }
    let t1 = start.elapsed().as_secs_f64() / n as f64 * 1e9;
    let start = Instant::now();
    for i in 0..n {
        let raw = format!("+44 7700 9{:05}", i % 100_000);
        black_box(phonenumber::parse(None, &raw).ok());
    }
    let t2 = start.elapsed().as_secs_f64() / n as f64 * 1e9;
    let start = Instant::now();
    for i in 0..n {
        let raw = format!("07700 9{:05}", i % 100_000);
        black_box(interdict_normalize::phone::e164(&raw, Some("GB")).ok());
    }
    let t3 = start.elapsed().as_secs_f64() / n as f64 * 1e9;
    println!("e164 plus: {t1:.0} ns, raw parse: {t2:.0} ns, e164 national: {t3:.0} ns");
}
