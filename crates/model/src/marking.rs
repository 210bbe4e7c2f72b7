use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Traffic Light Protocol 2.0 marking, from the most open to the most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Marking {
    #[serde(rename = "CLEAR")]
    Clear,
    #[serde(rename = "GREEN")]
    Green,
    #[serde(rename = "AMBER")]
    Amber,
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    #[serde(rename = "RED")]
    Red,
}

impl Marking {
    pub const ALL: [Marking; 5] = [
        Marking::Clear,
        Marking::Green,
        Marking::Amber,
        Marking::AmberStrict,
        Marking::Red,
    ];

    /// The label as TLP 2.0 writes it, without the `TLP:` prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            Marking::Clear => "CLEAR",
            Marking::Green => "GREEN",
            Marking::Amber => "AMBER",
            Marking::AmberStrict => "AMBER+STRICT",
            Marking::Red => "RED",
        }
    }
}

impl Default for Marking {
    /// Partner data that nobody marked is shared with the owner's sharing group only.
    fn default() -> Self {
        Marking::Amber
    }
}

impl fmt::Display for Marking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown TLP marking {0:?}: expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED")]
pub struct ParseMarkingError(pub String);

impl FromStr for Marking {
    type Err = ParseMarkingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t
            .strip_prefix("TLP:")
            .or_else(|| t.strip_prefix("tlp:"))
            .unwrap_or(t);
        let up = t.to_ascii_uppercase().replace(['_', ' ', '-'], "+");
        match up.as_str() {
            "CLEAR" | "WHITE" => Ok(Marking::Clear),
            "GREEN" => Ok(Marking::Green),
            "AMBER" => Ok(Marking::Amber),
            "AMBER+STRICT" => Ok(Marking::AmberStrict),
            "RED" => Ok(Marking::Red),
            _ => Err(ParseMarkingError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        assert_eq!("TLP:AMBER+STRICT".parse(), Ok(Marking::AmberStrict));
        assert_eq!("amber_strict".parse(), Ok(Marking::AmberStrict));
        assert_eq!("white".parse(), Ok(Marking::Clear));
        assert_eq!("red".parse(), Ok(Marking::Red));
        assert!("purple".parse::<Marking>().is_err());
        for m in Marking::ALL {
            assert_eq!(m.as_str().parse(), Ok(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
        }
    }
}
