//! Rough single-thread throughput of a typical ingest row: six parties (name, email, phone,
//! address, country, tax id) plus a money value, a date and an HS code.
//!
//! `cargo run --release -p interdict-normalize --example throughput`

use std::hint::black_box;
use std::time::Instant;

use interdict_model::Address;
use interdict_normalize::{address, country, date, email, hs, ids, money, name, phone, text};

fn main() {
    let names = [
        "Shenzhen Huaqiang Trading Co., Ltd.",
        "John  Smith",
        "Müller GmbH & Co. KG",
        "深圳市华强电子有限公司",
        "WEI, Zhang",
        "Best Price Logistics LLC",
    ];
    let addresses = [
        Address {
            text: "12 Baker Street, London SW1A 1AA, United Kingdom".into(),
            ..Address::default()
        },
        Address {
            text: "Room 1201, Building A, No. 88 Nanjing Road".into(),
            city: Some("Shanghai".into()),
            postcode: Some("200001".into()),
            region: None,
            country: Some("CN".into()),
        },
        Address {
            text: "Hauptstraße 5".into(),
            city: Some("Berlin".into()),
            postcode: Some("10115".into()),
            region: None,
            country: Some("DE".into()),
        },
    ];
    let phones = ["+44 7700 900123", "138-0013-8000", "(020) 7946 0018"];
    let rates = money::RateTable::default_table();
    let mut cache = phone::PhoneCache::new(100_000);
    let rows = 200_000u64;
    let start = Instant::now();
    for r in 0..rows {
        for p in 0..6u64 {
            let i = ((r + p) % 6) as usize;
            let n = names[i];
            black_box(text::clean(n));
            black_box(name::name_parts(n));
            if let Ok(e) = email::email(" J.Smith+shop@GoogleMail.com ") {
                black_box(email::email_identity(&e));
            }
            // One in ten numbers is new to the cache.
            let raw = if (r * 6 + p) % 10 == 0 {
                format!("+44 7700 9{:05}", (r * 6 + p) % 100_000)
            } else {
                phones[i % 3].to_owned()
            };
            black_box(cache.e164(&raw, Some("GB")).ok());
            let k = address::address_key(&addresses[i % 3], Some("GB"));
            black_box(k.key());
            black_box(country::country("United Kingdom"));
            black_box(ids::identifier("GB 123 4567 89"));
        }
        if let Ok((v, c)) = money::money("€1.234,50", None, true) {
            black_box(rates.to_usd(v, c));
        }
        black_box(date::date("2024-01-31T10:20:30+08:00", None).ok());
        black_box(hs::hs_code("6403.99.90").ok());
    }
    let secs = start.elapsed().as_secs_f64();
    if std::env::args().any(|a| a == "--breakdown") {
        breakdown(&names, &addresses);
    }
    println!(
        "{rows} rows in {secs:.2}s: {:.0} rows/s ({:.0} parties/s), phone cache hits {} misses {}",
        rows as f64 / secs,
        rows as f64 * 6.0 / secs,
        cache.hits(),
        cache.misses()
    );
}

fn per_call(label: &str, mut f: impl FnMut(usize)) {
    let n = 300_000;
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    println!("{label:>24}: {ns:8.0} ns/call");
}

fn breakdown(names: &[&str; 6], addresses: &[Address; 3]) {
    per_call("clean", |i| {
        black_box(text::clean(names[i % 6]));
    });
    per_call("fold", |i| {
        black_box(text::fold(names[i % 6]));
    });
    per_call("fold ascii", |i| {
        black_box(text::fold(names[[0, 1, 5][i % 3]]));
    });
    for n in names {
        per_call(
            &format!("key {}", n.chars().take(12).collect::<String>()),
            |_| {
                black_box(name::name_key(n));
            },
        );
    }
    for (j, a) in addresses.iter().enumerate() {
        per_call(&format!("address {j}"), |_| {
            black_box(address::address_key(a, Some("GB")));
        });
    }
    per_call("split_legal_form", |i| {
        black_box(name::split_legal_form(names[i % 6]));
    });
    per_call("name_key", |i| {
        black_box(name::name_key(names[i % 6]));
    });
    per_call("name_parts", |i| {
        black_box(name::name_parts(names[i % 6]));
    });
    per_call("looks_like_company", |i| {
        black_box(name::looks_like_company(names[i % 6]));
    });
    per_call("email+identity", |_| {
        let e = email::email(" J.Smith+shop@GoogleMail.com ").unwrap();
        black_box(email::email_identity(&e));
    });
    let mut cache = phone::PhoneCache::new(1000);
    per_call("phone cached", |i| {
        black_box(
            cache
                .e164(["+44 7700 900123", "138-0013-8000"][i % 2], Some("GB"))
                .ok(),
        );
    });
    per_call("phone uncached", |i| {
        black_box(phone::e164(["+44 7700 900123", "(020) 7946 0018"][i % 2], Some("GB")).ok());
    });
    per_call("address_key+key", |i| {
        black_box(address::address_key(&addresses[i % 3], Some("GB")).key());
    });
    per_call("country name", |_| {
        black_box(country::country("United Kingdom"));
    });
    per_call("country code", |_| {
        black_box(country::country("GB"));
    });
    per_call("identifier", |_| {
        black_box(ids::identifier("GB 123 4567 89"));
    });
    per_call("money", |_| {
        black_box(money::money("€1.234,50", None, true).ok());
    });
    per_call("date", |_| {
        black_box(date::date("2024-01-31T10:20:30+08:00", None).ok());
    });
    per_call("hs", |_| {
        black_box(hs::hs_code("6403.99.90").ok());
    });
}
