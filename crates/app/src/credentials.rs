//! Secrets of the platform's users: passwords (argon2id, a random salt, PHC strings) and API
//! keys (`idk_<id>_<secret>`: the store keeps the id and a BLAKE3 hash of the secret, never the
//! secret, which is shown once when the key is made; keys carry 160 random bits, so a fast hash
//! is enough).

use interdict_store::KeyRow;
use rand::RngCore;

/// Kinds of organisation the platform knows.
pub const ORG_KINDS: [&str; 5] = ["marketplace", "carrier", "customs", "brand", "coordinator"];

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a new password against the policy: at least [`MIN_PASSWORD_CHARS`] characters, not
/// the user's or the organisation's name (nor built on it), and not guessable with the
/// common-password, name and word lists and the patterns (repeats, sequences, keyboard walks,
/// dates) of the zxcvbn estimator: it must need more than 10^8 guesses.
pub fn check_password(user: &str, org: &str, password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let folded: String = password
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    for (what, name) in [("user", user), ("organisation", org)] {
        let name: String = name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if name.chars().count() >= 3 && folded.contains(&name) {
            return Err(format!("a password may not contain the {what}'s name"));
        }
    }
    let estimate = zxcvbn::zxcvbn(password, &[user, org]);
    if estimate.score() < zxcvbn::Score::Three {
        let why = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map_or_else(String::new, |w| format!(" ({w})"));
        return Err(format!(
            "that password is too easy to guess{why}: use a longer passphrase of uncommon words"
        ));
    }
    Ok(())
}

/// Hashes a password for storage.
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches a stored PHC string. Unknown users are checked against a fixed
/// hash, so the answer takes as long whether or not the user exists.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default());
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

/// The id and secret of a key token, when it has the shape of one.
pub fn split_key(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix("idk_")?;
    let (id, secret) = rest.split_once('_')?;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(id, 12) && hex(secret, 40)).then_some((id, secret))
}

/// Whether `secret` is the one whose hash a key row keeps.
pub fn secret_matches(row: &KeyRow, secret: &str) -> bool {
    blake3::Hash::from_slice(&row.secret_hash)
        .is_ok_and(|stored| stored == blake3::hash(secret.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A new key for `user`: the row to store and the token to show once.
pub fn new_key(user: &str, created_at: &str, expires_at: &str) -> (KeyRow, String) {
    let id = random_hex(6);
    let secret = random_hex(20);
    let row = KeyRow {
        id: id.clone(),
        user: user.to_string(),
        secret_hash: blake3::hash(secret.as_bytes()).as_bytes().to_vec(),
        created_at: created_at.to_string(),
        expires_at: expires_at.to_string(),
        revoked_at: None,
    };
    (row, format!("idk_{id}_{secret}"))
}

/// A password a person can type, 16 characters from an alphabet without look-alikes, in
/// groups of four.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    (0..16)
        .map(|i| {
            let c = ALPHABET[rand::random_range(0..ALPHABET.len())] as char;
            if i > 0 && i % 4 == 0 {
                format!("-{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_policy_refuses_short_common_and_own_name_passwords() {
        let refused = |p: &str| check_password("officer.jane", "customs", p).unwrap_err();
        assert!(refused("short").contains("at least 12"));
        assert!(
            refused("            ").contains("too easy"),
            "twelve spaces"
        );
        assert!(refused("password1234").contains("too easy"));
        assert!(refused("qwertyuiop123").contains("too easy"));
        assert!(refused("123456789012").contains("too easy"));
        assert!(refused("Officer.Jane2026!").contains("user's name"));
        assert!(refused("customs-customs-99").contains("organisation's name"));
        assert!(refused("aaaaaaaaaaaaaaaa").contains("too easy"));
        assert!(check_password("officer.jane", "customs", "ferry lantern oboe quarry").is_ok());
        assert!(check_password("officer.jane", "customs", &random_password()).is_ok());
    }

    #[test]
    fn a_password_verifies_and_nothing_else_does() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("correct horse batterY", Some(&h)));
        assert!(!verify_password("correct horse battery", None));
        assert!(!verify_password("x", Some("not a phc string")));
    }

    #[test]
    fn a_key_token_splits_into_its_row_and_secret() {
        let (row, token) = new_key("ann", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
        let (id, secret) = split_key(&token).unwrap();
        assert_eq!(id, row.id);
        assert!(secret_matches(&row, secret));
        let mut other = secret.to_string();
        other.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
        assert!(!secret_matches(&row, &other));
        assert_eq!(split_key("idk_short_secret"), None);
        assert_eq!(split_key(&token.replace("idk_", "key_")), None);
    }

    #[test]
    fn random_passwords_are_long_enough_and_differ() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.chars().count(), 19);
        assert!(a.chars().count() >= MIN_PASSWORD_CHARS);
        assert_ne!(a, b);
    }
}
