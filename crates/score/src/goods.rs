//! What goods a line is: a product category from its HS code and from the words of its
//! description, and whether a description says nothing about the goods at all.
//!
//! Categories are the product lines brand owners set price floors for. The HS table follows
//! the Harmonized System's chapters and headings; the word table is ordinary trade wording.

use std::sync::OnceLock;

use interdict_normalize::hs;
use rustc_hash::{FxHashMap, FxHashSet};

/// A product category brand owners register floors and genuine origins for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Footwear,
    Apparel,
    Outerwear,
    Handbags,
    Watches,
    Electronics,
    Cosmetics,
    Eyewear,
    Toys,
    Jewellery,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Footwear,
        Category::Apparel,
        Category::Outerwear,
        Category::Handbags,
        Category::Watches,
        Category::Electronics,
        Category::Cosmetics,
        Category::Eyewear,
        Category::Toys,
        Category::Jewellery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Footwear => "footwear",
            Category::Apparel => "apparel",
            Category::Outerwear => "outerwear",
            Category::Handbags => "handbags",
            Category::Watches => "watches",
            Category::Electronics => "electronics",
            Category::Cosmetics => "cosmetics",
            Category::Eyewear => "eyewear",
            Category::Toys => "toys",
            Category::Jewellery => "jewellery",
        }
    }

    /// A category from a brand owner's or marketplace's own wording ("Footwear", "bags",
    /// "Fashion > Accessories > Eyewear", "C-1401"-style codes are not understood).
    pub fn parse(s: &str) -> Option<Category> {
        let lower = s.to_lowercase();
        if let Some(c) = Category::ALL
            .into_iter()
            .find(|c| lower.trim() == c.as_str())
        {
            return Some(c);
        }
        // The most specific part of a path names the category.
        let last = lower.rsplit(['>', '/', '|']).next().unwrap_or(&lower);
        of_words(last).or_else(|| of_words(&lower))
    }
}

/// The category an HS code belongs to, if it is one of ours.
pub fn of_hs(code: &str) -> Option<Category> {
    let h = hs::heading(code);
    let c = hs::chapter(code);
    Some(match (c, h) {
        ("64", _) => Category::Footwear,
        (_, "6201" | "6202") => Category::Outerwear,
        ("61" | "62", _) => Category::Apparel,
        (_, "4202") => Category::Handbags,
        ("91", _) => Category::Watches,
        (_, "8517" | "8518" | "8519" | "8521" | "8525" | "8528" | "8471" | "8504") => {
            Category::Electronics
        }
        (_, "3303" | "3304" | "3305" | "3307") => Category::Cosmetics,
        (_, "9004") => Category::Eyewear,
        (_, "9503" | "9504") => Category::Toys,
        (_, "7113" | "7116" | "7117") => Category::Jewellery,
        _ => return None,
    })
}

/// Words that name goods of a category. Matched against whole words of a lowercased text;
/// a word may also match with a plural "s".
const WORDS: &[(Category, &[&str])] = &[
    (
        Category::Footwear,
        &[
            "shoe", "sneaker", "trainer", "boot", "sandal", "slipper", "loafer", "heels",
            "footwear", "runners",
        ],
    ),
    (
        Category::Outerwear,
        &[
            "jacket",
            "coat",
            "parka",
            "anorak",
            "gilet",
            "windbreaker",
            "raincoat",
            "outerwear",
        ],
    ),
    (
        Category::Apparel,
        &[
            "shirt",
            "t-shirt",
            "tshirt",
            "tee",
            "hoodie",
            "sweatshirt",
            "jumper",
            "sweater",
            "dress",
            "jeans",
            "trousers",
            "shorts",
            "leggings",
            "skirt",
            "tracksuit",
            "polo",
            "joggers",
            "apparel",
            "socks",
        ],
    ),
    (
        Category::Handbags,
        &[
            "handbag",
            "bag",
            "wallet",
            "purse",
            "backpack",
            "tote",
            "clutch",
            "satchel",
            "crossbody",
            "luggage",
        ],
    ),
    (
        Category::Watches,
        &[
            "watch",
            "wristwatch",
            "chronograph",
            "smartwatch",
            "timepiece",
        ],
    ),
    (
        Category::Electronics,
        &[
            "earbuds",
            "earphones",
            "headphones",
            "headset",
            "speaker",
            "charger",
            "phone",
            "smartphone",
            "tablet",
            "power bank",
            "powerbank",
            "cable",
            "adapter",
            "console",
        ],
    ),
    (
        Category::Cosmetics,
        &[
            "perfume",
            "parfum",
            "fragrance",
            "cologne",
            "lipstick",
            "mascara",
            "eyeshadow",
            "foundation",
            "cream",
            "serum",
            "makeup",
            "cosmetics",
            "lotion",
            "toilette",
        ],
    ),
    (
        Category::Eyewear,
        &[
            "sunglasses",
            "eyeglasses",
            "spectacles",
            "glasses",
            "eyewear",
            "goggles",
        ],
    ),
    (
        Category::Toys,
        &[
            "toy", "plush", "doll", "figure", "blocks", "puzzle", "lego", "teddy", "playset",
        ],
    ),
    (
        Category::Jewellery,
        &[
            "necklace",
            "bracelet",
            "ring",
            "earrings",
            "earring",
            "pendant",
            "jewellery",
            "jewelry",
            "brooch",
            "bangle",
            "chain",
        ],
    ),
];

/// Descriptions that say nothing about the goods: a customs officer cannot tell what is in
/// the parcel from them. Whole normalised descriptions, not words inside a longer one.
const VAGUE: &[&str] = &[
    "gift",
    "gifts",
    "present",
    "presents",
    "sample",
    "samples",
    "goods",
    "merchandise",
    "item",
    "items",
    "product",
    "products",
    "accessories",
    "accessory",
    "parts",
    "spare parts",
    "clothes",
    "clothing",
    "garment",
    "garments",
    "textile",
    "textiles",
    "shoes",
    "bag",
    "bags",
    "daily necessities",
    "daily goods",
    "personal items",
    "personal effects",
    "personal use",
    "general merchandise",
    "commodity",
    "fashion",
    "apparel",
    "birthday gift",
    "personal gift",
    "gift item",
    "misc",
    "miscellaneous",
    "various",
    "stuff",
    "household goods",
    "consumer goods",
];

/// The lowercased words of a text (letters, digits, hyphens inside words), in one buffer:
/// the words joined by single spaces, and where each starts and ends.
fn words(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut buf = String::with_capacity(text.len());
    let mut spans = Vec::new();
    for w in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let w = w.trim_matches('-');
        if w.is_empty() {
            continue;
        }
        if !buf.is_empty() {
            buf.push(' ');
        }
        let start = buf.len();
        if w.is_ascii() {
            buf.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            buf.extend(w.chars().flat_map(char::to_lowercase));
        }
        spans.push((start, buf.len()));
    }
    (buf, spans)
}

/// Every naming word (and its plural forms are found by stripping), and the two-word keys.
struct WordIndex {
    single: FxHashMap<&'static str, Category>,
    pairs: Vec<(&'static str, Category)>,
}

fn index() -> &'static WordIndex {
    static INDEX: OnceLock<WordIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut single = FxHashMap::default();
        let mut pairs = Vec::new();
        for (cat, keys) in WORDS {
            for k in *keys {
                if k.contains(' ') {
                    pairs.push((*k, *cat));
                } else {
                    single.entry(*k).or_insert(*cat);
                }
            }
        }
        WordIndex { single, pairs }
    })
}

fn lookup(idx: &WordIndex, word: &str) -> Option<Category> {
    idx.single
        .get(word)
        .or_else(|| word.strip_suffix('s').and_then(|w| idx.single.get(w)))
        .or_else(|| word.strip_suffix("es").and_then(|w| idx.single.get(w)))
        .copied()
}

/// The category a description's words name: the category of the last naming word, since
/// English puts the head noun last ("watch strap bag" is a bag). `None` when no word names
/// goods of ours.
pub fn of_words(text: &str) -> Option<Category> {
    let idx = index();
    let (buf, spans) = words(text);
    let mut found = None;
    for (i, &(a, b)) in spans.iter().enumerate() {
        let w = &buf[a..b];
        let pair = spans.get(i + 1).map(|&(_, e)| &buf[a..e]);
        let by_pair = pair.and_then(|p| {
            idx.pairs
                .iter()
                .find(|(k, _)| p == *k || p.strip_suffix('s') == Some(*k))
                .map(|(_, c)| *c)
        });
        if let Some(c) = by_pair.or_else(|| lookup(idx, w)) {
            found = Some(c);
        }
    }
    found
}

/// Whether a description says nothing about what the goods are ("gift", "accessories",
/// "daily necessities"). Case, punctuation and spacing do not matter.
pub fn is_vague(description: &str) -> bool {
    static VAGUE_SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    let set = VAGUE_SET.get_or_init(|| VAGUE.iter().copied().collect());
    let (joined, spans) = words(description);
    spans.is_empty() || set.contains(joined.as_str())
}

/// Whether an HS code fits a description: `Some(false)` when the words name a category and
/// the code is not in it (or is in none of ours), `Some(true)` when both agree, `None` when
/// the description names nothing or there is no code.
pub fn hs_fits(description: &str, code: Option<&str>) -> Option<bool> {
    let words_say = of_words(description)?;
    let code = code?;
    Some(of_hs(code) == Some(words_say))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs_codes_map_to_categories() {
        assert_eq!(of_hs("640399"), Some(Category::Footwear));
        assert_eq!(of_hs("6404110000"), Some(Category::Footwear));
        assert_eq!(of_hs("620193"), Some(Category::Outerwear));
        assert_eq!(of_hs("610910"), Some(Category::Apparel));
        assert_eq!(of_hs("420221"), Some(Category::Handbags));
        assert_eq!(of_hs("910211"), Some(Category::Watches));
        assert_eq!(of_hs("851830"), Some(Category::Electronics));
        assert_eq!(of_hs("330300"), Some(Category::Cosmetics));
        assert_eq!(of_hs("900410"), Some(Category::Eyewear));
        assert_eq!(of_hs("950300"), Some(Category::Toys));
        assert_eq!(of_hs("711719"), Some(Category::Jewellery));
        // Not ours: textiles made up, paper, plastics, screws.
        for code in ["630790", "482190", "392690", "731815", "940540"] {
            assert_eq!(of_hs(code), None, "{code}");
        }
    }

    #[test]
    fn words_name_the_head_noun() {
        assert_eq!(of_words("running shoes"), Some(Category::Footwear));
        assert_eq!(of_words("Leather Handbag"), Some(Category::Handbags));
        assert_eq!(of_words("down jacket"), Some(Category::Outerwear));
        assert_eq!(of_words("eau de parfum 100ml"), Some(Category::Cosmetics));
        assert_eq!(of_words("wireless earbuds"), Some(Category::Electronics));
        assert_eq!(of_words("silver necklace"), Some(Category::Jewellery));
        assert_eq!(of_words("watch strap bag"), Some(Category::Handbags));
        assert_eq!(of_words("T-Shirts"), Some(Category::Apparel));
        assert_eq!(of_words("power bank 10000mAh"), Some(Category::Electronics));
        // Nothing of ours named.
        assert_eq!(of_words("garden light"), None);
        assert_eq!(of_words("lens cap"), None);
        assert_eq!(of_words("stainless screws"), None);
    }

    #[test]
    fn categories_parse_from_partner_wording() {
        assert_eq!(Category::parse("Footwear"), Some(Category::Footwear));
        assert_eq!(
            Category::parse("Fashion > Accessories > Eyewear"),
            Some(Category::Eyewear)
        );
        assert_eq!(
            Category::parse("Beauty > Makeup & Fragrance"),
            Some(Category::Cosmetics)
        );
        assert_eq!(Category::parse("handbags"), Some(Category::Handbags));
        assert_eq!(Category::parse("Garden"), None);
    }

    #[test]
    fn vague_descriptions_fire_and_specific_ones_do_not() {
        for d in [
            "gift",
            "GIFT",
            "Samples",
            "daily necessities",
            "personal items",
            " parts ",
            "",
        ] {
            assert!(is_vague(d), "{d:?}");
        }
        for d in [
            "gift box of chocolates",
            "running shoes",
            "leather handbag",
            "silver necklace",
            "samples of fabric swatches",
        ] {
            assert!(!is_vague(d), "{d:?}");
        }
    }

    #[test]
    fn hs_fit_compares_code_and_words() {
        assert_eq!(hs_fits("running shoes", Some("640399")), Some(true));
        assert_eq!(hs_fits("running shoes", Some("630790")), Some(false));
        assert_eq!(hs_fits("leather handbag", Some("640399")), Some(false));
        assert_eq!(hs_fits("gift", Some("630790")), None);
        assert_eq!(hs_fits("running shoes", None), None);
    }
}
