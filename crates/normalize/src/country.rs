//! Countries: ISO 3166-1 alpha-2 from codes, names and their common variants.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::fxhash::FxBuildHasher;
use crate::text::fold_tokens;

/// ISO 3166-1: alpha-2, alpha-3 and English short name of every assigned code, sorted by
/// alpha-2, plus the user-assigned `XK` (Kosovo) that customs and carriers use.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AD", "AND", "Andorra"),
    ("AE", "ARE", "United Arab Emirates"),
    ("AF", "AFG", "Afghanistan"),
    ("AG", "ATG", "Antigua and Barbuda"),
    ("AI", "AIA", "Anguilla"),
    ("AL", "ALB", "Albania"),
    ("AM", "ARM", "Armenia"),
    ("AO", "AGO", "Angola"),
    ("AQ", "ATA", "Antarctica"),
    ("AR", "ARG", "Argentina"),
    ("AS", "ASM", "American Samoa"),
    ("AT", "AUT", "Austria"),
    ("AU", "AUS", "Australia"),
    ("AW", "ABW", "Aruba"),
    ("AX", "ALA", "Åland Islands"),
    ("AZ", "AZE", "Azerbaijan"),
    ("BA", "BIH", "Bosnia and Herzegovina"),
    ("BB", "BRB", "Barbados"),
    ("BD", "BGD", "Bangladesh"),
    ("BE", "BEL", "Belgium"),
    ("BF", "BFA", "Burkina Faso"),
    ("BG", "BGR", "Bulgaria"),
    ("BH", "BHR", "Bahrain"),
    ("BI", "BDI", "Burundi"),
    ("BJ", "BEN", "Benin"),
    ("BL", "BLM", "Saint Barthélemy"),
    ("BM", "BMU", "Bermuda"),
    ("BN", "BRN", "Brunei Darussalam"),
    ("BO", "BOL", "Bolivia (Plurinational State of)"),
    ("BQ", "BES", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "BRA", "Brazil"),
    ("BS", "BHS", "Bahamas"),
    ("BT", "BTN", "Bhutan"),
    ("BV", "BVT", "Bouvet Island"),
    ("BW", "BWA", "Botswana"),
    ("BY", "BLR", "Belarus"),
    ("BZ", "BLZ", "Belize"),
    ("CA", "CAN", "Canada"),
    ("CC", "CCK", "Cocos (Keeling) Islands"),
    ("CD", "COD", "Congo, Democratic Republic of the"),
    ("CF", "CAF", "Central African Republic"),
    ("CG", "COG", "Congo"),
    ("CH", "CHE", "Switzerland"),
    ("CI", "CIV", "Côte d'Ivoire"),
    ("CK", "COK", "Cook Islands"),
    ("CL", "CHL", "Chile"),
    ("CM", "CMR", "Cameroon"),
    ("CN", "CHN", "China"),
    ("CO", "COL", "Colombia"),
    ("CR", "CRI", "Costa Rica"),
    ("CU", "CUB", "Cuba"),
    ("CV", "CPV", "Cabo Verde"),
    ("CW", "CUW", "Curaçao"),
    ("CX", "CXR", "Christmas Island"),
    ("CY", "CYP", "Cyprus"),
    ("CZ", "CZE", "Czechia"),
    ("DE", "DEU", "Germany"),
    ("DJ", "DJI", "Djibouti"),
    ("DK", "DNK", "Denmark"),
    ("DM", "DMA", "Dominica"),
    ("DO", "DOM", "Dominican Republic"),
    ("DZ", "DZA", "Algeria"),
    ("EC", "ECU", "Ecuador"),
    ("EE", "EST", "Estonia"),
    ("EG", "EGY", "Egypt"),
    ("EH", "ESH", "Western Sahara"),
    ("ER", "ERI", "Eritrea"),
    ("ES", "ESP", "Spain"),
    ("ET", "ETH", "Ethiopia"),
    ("FI", "FIN", "Finland"),
    ("FJ", "FJI", "Fiji"),
    ("FK", "FLK", "Falkland Islands (Malvinas)"),
    ("FM", "FSM", "Micronesia (Federated States of)"),
    ("FO", "FRO", "Faroe Islands"),
    ("FR", "FRA", "France"),
    ("GA", "GAB", "Gabon"),
    (
        "GB",
        "GBR",
        "United Kingdom of Great Britain and Northern Ireland",
    ),
    ("GD", "GRD", "Grenada"),
    ("GE", "GEO", "Georgia"),
    ("GF", "GUF", "French Guiana"),
    ("GG", "GGY", "Guernsey"),
    ("GH", "GHA", "Ghana"),
    ("GI", "GIB", "Gibraltar"),
    ("GL", "GRL", "Greenland"),
    ("GM", "GMB", "Gambia"),
    ("GN", "GIN", "Guinea"),
    ("GP", "GLP", "Guadeloupe"),
    ("GQ", "GNQ", "Equatorial Guinea"),
    ("GR", "GRC", "Greece"),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands"),
    ("GT", "GTM", "Guatemala"),
    ("GU", "GUM", "Guam"),
    ("GW", "GNB", "Guinea-Bissau"),
    ("GY", "GUY", "Guyana"),
    ("HK", "HKG", "Hong Kong"),
    ("HM", "HMD", "Heard Island and McDonald Islands"),
    ("HN", "HND", "Honduras"),
    ("HR", "HRV", "Croatia"),
    ("HT", "HTI", "Haiti"),
    ("HU", "HUN", "Hungary"),
    ("ID", "IDN", "Indonesia"),
    ("IE", "IRL", "Ireland"),
    ("IL", "ISR", "Israel"),
    ("IM", "IMN", "Isle of Man"),
    ("IN", "IND", "India"),
    ("IO", "IOT", "British Indian Ocean Territory"),
    ("IQ", "IRQ", "Iraq"),
    ("IR", "IRN", "Iran (Islamic Republic of)"),
    ("IS", "ISL", "Iceland"),
    ("IT", "ITA", "Italy"),
    ("JE", "JEY", "Jersey"),
    ("JM", "JAM", "Jamaica"),
    ("JO", "JOR", "Jordan"),
    ("JP", "JPN", "Japan"),
    ("KE", "KEN", "Kenya"),
    ("KG", "KGZ", "Kyrgyzstan"),
    ("KH", "KHM", "Cambodia"),
    ("KI", "KIR", "Kiribati"),
    ("KM", "COM", "Comoros"),
    ("KN", "KNA", "Saint Kitts and Nevis"),
    ("KP", "PRK", "Korea (Democratic People's Republic of)"),
    ("KR", "KOR", "Korea, Republic of"),
    ("KW", "KWT", "Kuwait"),
    ("KY", "CYM", "Cayman Islands"),
    ("KZ", "KAZ", "Kazakhstan"),
    ("LA", "LAO", "Lao People's Democratic Republic"),
    ("LB", "LBN", "Lebanon"),
    ("LC", "LCA", "Saint Lucia"),
    ("LI", "LIE", "Liechtenstein"),
    ("LK", "LKA", "Sri Lanka"),
    ("LR", "LBR", "Liberia"),
    ("LS", "LSO", "Lesotho"),
    ("LT", "LTU", "Lithuania"),
    ("LU", "LUX", "Luxembourg"),
    ("LV", "LVA", "Latvia"),
    ("LY", "LBY", "Libya"),
    ("MA", "MAR", "Morocco"),
    ("MC", "MCO", "Monaco"),
    ("MD", "MDA", "Moldova, Republic of"),
    ("ME", "MNE", "Montenegro"),
    ("MF", "MAF", "Saint Martin (French part)"),
    ("MG", "MDG", "Madagascar"),
    ("MH", "MHL", "Marshall Islands"),
    ("MK", "MKD", "North Macedonia"),
    ("ML", "MLI", "Mali"),
    ("MM", "MMR", "Myanmar"),
    ("MN", "MNG", "Mongolia"),
    ("MO", "MAC", "Macao"),
    ("MP", "MNP", "Northern Mariana Islands"),
    ("MQ", "MTQ", "Martinique"),
    ("MR", "MRT", "Mauritania"),
    ("MS", "MSR", "Montserrat"),
    ("MT", "MLT", "Malta"),
    ("MU", "MUS", "Mauritius"),
    ("MV", "MDV", "Maldives"),
    ("MW", "MWI", "Malawi"),
    ("MX", "MEX", "Mexico"),
    ("MY", "MYS", "Malaysia"),
    ("MZ", "MOZ", "Mozambique"),
    ("NA", "NAM", "Namibia"),
    ("NC", "NCL", "New Caledonia"),
    ("NE", "NER", "Niger"),
    ("NF", "NFK", "Norfolk Island"),
    ("NG", "NGA", "Nigeria"),
    ("NI", "NIC", "Nicaragua"),
    ("NL", "NLD", "Netherlands, Kingdom of the"),
    ("NO", "NOR", "Norway"),
    ("NP", "NPL", "Nepal"),
    ("NR", "NRU", "Nauru"),
    ("NU", "NIU", "Niue"),
    ("NZ", "NZL", "New Zealand"),
    ("OM", "OMN", "Oman"),
    ("PA", "PAN", "Panama"),
    ("PE", "PER", "Peru"),
    ("PF", "PYF", "French Polynesia"),
    ("PG", "PNG", "Papua New Guinea"),
    ("PH", "PHL", "Philippines"),
    ("PK", "PAK", "Pakistan"),
    ("PL", "POL", "Poland"),
    ("PM", "SPM", "Saint Pierre and Miquelon"),
    ("PN", "PCN", "Pitcairn"),
    ("PR", "PRI", "Puerto Rico"),
    ("PS", "PSE", "Palestine, State of"),
    ("PT", "PRT", "Portugal"),
    ("PW", "PLW", "Palau"),
    ("PY", "PRY", "Paraguay"),
    ("QA", "QAT", "Qatar"),
    ("RE", "REU", "Réunion"),
    ("RO", "ROU", "Romania"),
    ("RS", "SRB", "Serbia"),
    ("RU", "RUS", "Russian Federation"),
    ("RW", "RWA", "Rwanda"),
    ("SA", "SAU", "Saudi Arabia"),
    ("SB", "SLB", "Solomon Islands"),
    ("SC", "SYC", "Seychelles"),
    ("SD", "SDN", "Sudan"),
    ("SE", "SWE", "Sweden"),
    ("SG", "SGP", "Singapore"),
    ("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "SVN", "Slovenia"),
    ("SJ", "SJM", "Svalbard and Jan Mayen"),
    ("SK", "SVK", "Slovakia"),
    ("SL", "SLE", "Sierra Leone"),
    ("SM", "SMR", "San Marino"),
    ("SN", "SEN", "Senegal"),
    ("SO", "SOM", "Somalia"),
    ("SR", "SUR", "Suriname"),
    ("SS", "SSD", "South Sudan"),
    ("ST", "STP", "Sao Tome and Principe"),
    ("SV", "SLV", "El Salvador"),
    ("SX", "SXM", "Sint Maarten (Dutch part)"),
    ("SY", "SYR", "Syrian Arab Republic"),
    ("SZ", "SWZ", "Eswatini"),
    ("TC", "TCA", "Turks and Caicos Islands"),
    ("TD", "TCD", "Chad"),
    ("TF", "ATF", "French Southern Territories"),
    ("TG", "TGO", "Togo"),
    ("TH", "THA", "Thailand"),
    ("TJ", "TJK", "Tajikistan"),
    ("TK", "TKL", "Tokelau"),
    ("TL", "TLS", "Timor-Leste"),
    ("TM", "TKM", "Turkmenistan"),
    ("TN", "TUN", "Tunisia"),
    ("TO", "TON", "Tonga"),
    ("TR", "TUR", "Türkiye"),
    ("TT", "TTO", "Trinidad and Tobago"),
    ("TV", "TUV", "Tuvalu"),
    ("TW", "TWN", "Taiwan, Province of China"),
    ("TZ", "TZA", "Tanzania, United Republic of"),
    ("UA", "UKR", "Ukraine"),
    ("UG", "UGA", "Uganda"),
    ("UM", "UMI", "United States Minor Outlying Islands"),
    ("US", "USA", "United States of America"),
    ("UY", "URY", "Uruguay"),
    ("UZ", "UZB", "Uzbekistan"),
    ("VA", "VAT", "Holy See"),
    ("VC", "VCT", "Saint Vincent and the Grenadines"),
    ("VE", "VEN", "Venezuela (Bolivarian Republic of)"),
    ("VG", "VGB", "Virgin Islands (British)"),
    ("VI", "VIR", "Virgin Islands (U.S.)"),
    ("VN", "VNM", "Viet Nam"),
    ("VU", "VUT", "Vanuatu"),
    ("WF", "WLF", "Wallis and Futuna"),
    ("WS", "WSM", "Samoa"),
    ("XK", "XKX", "Kosovo"),
    ("YE", "YEM", "Yemen"),
    ("YT", "MYT", "Mayotte"),
    ("ZA", "ZAF", "South Africa"),
    ("ZM", "ZMB", "Zambia"),
    ("ZW", "ZWE", "Zimbabwe"),
];

/// Common variants, local names and former names (matched like the names: case, accent and
/// punctuation insensitive; "the", "and", "of" ignored; "saint" written "st").
const VARIANTS: &[(&str, &str)] = &[
    ("UK", "GB"),
    ("United Kingdom", "GB"),
    ("Great Britain", "GB"),
    ("Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("英国", "GB"),
    ("Grossbritannien", "GB"),
    ("Vereinigtes Königreich", "GB"),
    ("Royaume-Uni", "GB"),
    ("Reino Unido", "GB"),
    ("US", "US"),
    ("United States", "US"),
    ("America", "US"),
    ("美国", "US"),
    ("Estados Unidos", "US"),
    ("Vereinigte Staaten", "US"),
    ("Etats-Unis", "US"),
    ("PRC", "CN"),
    ("P.R. China", "CN"),
    ("China PR", "CN"),
    ("People's Republic of China", "CN"),
    ("Mainland China", "CN"),
    ("China Mainland", "CN"),
    ("中国", "CN"),
    ("中國", "CN"),
    ("中华人民共和国", "CN"),
    ("Chine", "CN"),
    ("Volksrepublik China", "CN"),
    ("Hong Kong SAR", "HK"),
    ("Hong Kong SAR China", "HK"),
    ("Hong Kong China", "HK"),
    ("HKSAR", "HK"),
    ("Hongkong", "HK"),
    ("香港", "HK"),
    ("Macau", "MO"),
    ("Macao SAR", "MO"),
    ("Macau SAR", "MO"),
    ("Macao SAR China", "MO"),
    ("澳门", "MO"),
    ("澳門", "MO"),
    ("Taiwan", "TW"),
    ("Republic of China", "TW"),
    ("ROC", "TW"),
    ("Chinese Taipei", "TW"),
    ("台湾", "TW"),
    ("台灣", "TW"),
    ("Deutschland", "DE"),
    ("Federal Republic of Germany", "DE"),
    ("德国", "DE"),
    ("Allemagne", "DE"),
    ("Alemania", "DE"),
    ("Germania", "DE"),
    ("法国", "FR"),
    ("Frankreich", "FR"),
    ("Francia", "FR"),
    ("日本", "JP"),
    ("Nippon", "JP"),
    ("Nihon", "JP"),
    ("Japon", "JP"),
    ("South Korea", "KR"),
    ("Korea", "KR"),
    ("Republic of Korea", "KR"),
    ("Korea South", "KR"),
    ("ROK", "KR"),
    ("韩国", "KR"),
    ("韓國", "KR"),
    ("한국", "KR"),
    ("대한민국", "KR"),
    ("North Korea", "KP"),
    ("DPRK", "KP"),
    ("Korea North", "KP"),
    ("Democratic People's Republic of Korea", "KP"),
    ("朝鲜", "KP"),
    ("Turkey", "TR"),
    ("Turkiye", "TR"),
    ("Republic of Türkiye", "TR"),
    ("土耳其", "TR"),
    ("Vietnam", "VN"),
    ("越南", "VN"),
    ("Russia", "RU"),
    ("Россия", "RU"),
    ("Rossiya", "RU"),
    ("俄罗斯", "RU"),
    ("Holland", "NL"),
    ("Netherlands", "NL"),
    ("The Netherlands", "NL"),
    ("Nederland", "NL"),
    ("荷兰", "NL"),
    ("UAE", "AE"),
    ("Emirates", "AE"),
    ("阿联酋", "AE"),
    ("KSA", "SA"),
    ("印度", "IN"),
    ("Bharat", "IN"),
    ("España", "ES"),
    ("西班牙", "ES"),
    ("Italia", "IT"),
    ("意大利", "IT"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Svizzera", "CH"),
    ("瑞士", "CH"),
    ("Österreich", "AT"),
    ("Belgique", "BE"),
    ("België", "BE"),
    ("Sverige", "SE"),
    ("Norge", "NO"),
    ("Danmark", "DK"),
    ("Suomi", "FI"),
    ("Polska", "PL"),
    ("Czech Republic", "CZ"),
    ("Česko", "CZ"),
    ("Hellas", "GR"),
    ("Ellada", "GR"),
    ("Eire", "IE"),
    ("Republic of Ireland", "IE"),
    ("Brasil", "BR"),
    ("巴西", "BR"),
    ("Iran", "IR"),
    ("Persia", "IR"),
    ("Syria", "SY"),
    ("Laos", "LA"),
    ("Moldova", "MD"),
    ("Tanzania", "TZ"),
    ("Venezuela", "VE"),
    ("Bolivia", "BO"),
    ("Micronesia", "FM"),
    ("Palestine", "PS"),
    ("Vatican", "VA"),
    ("Vatican City", "VA"),
    ("Brunei", "BN"),
    ("Macedonia", "MK"),
    ("Swaziland", "SZ"),
    ("Burma", "MM"),
    ("Ivory Coast", "CI"),
    ("Cape Verde", "CV"),
    ("DR Congo", "CD"),
    ("DRC", "CD"),
    ("Democratic Republic of the Congo", "CD"),
    ("Congo-Kinshasa", "CD"),
    ("Zaire", "CD"),
    ("Republic of the Congo", "CG"),
    ("Congo-Brazzaville", "CG"),
    ("East Timor", "TL"),
    ("Saint Kitts", "KN"),
    ("Saint Vincent", "VC"),
    ("Falkland Islands", "FK"),
    ("British Virgin Islands", "VG"),
    ("BVI", "VG"),
    ("US Virgin Islands", "VI"),
    ("USVI", "VI"),
    ("Reunion", "RE"),
    ("Curacao", "CW"),
    ("Caribbean Netherlands", "BQ"),
    ("Bonaire", "BQ"),
    ("Pitcairn Islands", "PN"),
    ("Saint Helena", "SH"),
    ("Svalbard", "SJ"),
    ("South Georgia", "GS"),
    ("Saint Martin", "MF"),
    ("Sint Maarten", "SX"),
    ("Cocos Islands", "CC"),
    ("Keeling Islands", "CC"),
    ("Faeroe Islands", "FO"),
    ("Heard Island", "HM"),
    ("Wallis", "WF"),
    ("Trinidad", "TT"),
    ("Bosnia", "BA"),
    ("Herzegovina", "BA"),
    ("Antigua", "AG"),
    ("Sao Tome", "ST"),
    ("Guinea Bissau", "GW"),
    ("Aland", "AX"),
    ("Lao PDR", "LA"),
    ("FYROM", "MK"),
    ("Former Yugoslav Republic of Macedonia", "MK"),
    ("Macedonia, The Former Yugoslav Republic of", "MK"),
    ("Taiwan, China", "TW"),
    ("Taiwan Province of China", "TW"),
    ("Iran, Islamic Republic", "IR"),
    ("马来西亚", "MY"),
    ("新加坡", "SG"),
    ("印尼", "ID"),
    ("印度尼西亚", "ID"),
    ("菲律宾", "PH"),
    ("泰国", "TH"),
    ("澳大利亚", "AU"),
    ("澳洲", "AU"),
    ("加拿大", "CA"),
    ("墨西哥", "MX"),
    ("巴基斯坦", "PK"),
    ("孟加拉", "BD"),
    ("孟加拉国", "BD"),
    ("柬埔寨", "KH"),
    ("缅甸", "MM"),
    ("新西兰", "NZ"),
    ("沙特阿拉伯", "SA"),
    ("以色列", "IL"),
    ("乌克兰", "UA"),
    ("波兰", "PL"),
    ("瑞典", "SE"),
    ("挪威", "NO"),
    ("丹麦", "DK"),
    ("芬兰", "FI"),
    ("奥地利", "AT"),
    ("比利时", "BE"),
    ("葡萄牙", "PT"),
    ("希腊", "GR"),
    ("爱尔兰", "IE"),
    ("南非", "ZA"),
    ("埃及", "EG"),
    ("阿根廷", "AR"),
    ("智利", "CL"),
    ("哥伦比亚", "CO"),
    ("秘鲁", "PE"),
];

/// Short keys that may stand for a country inside free text (other codes are too easily a word).
const TEXT_CODES: &[&str] = &["prc", "uae", "uk", "usa"];

type Index = HashMap<String, &'static str, FxBuildHasher>;

static INDEX: LazyLock<Index> = LazyLock::new(|| build_index().0);

/// The last folded token of every name and variant (and the ignored words): a run of address
/// tokens can only spell a country if it ends with one of these.
static LAST_TOKENS: LazyLock<HashSet<String, FxBuildHasher>> = LazyLock::new(|| {
    let mut set: HashSet<String, FxBuildHasher> =
        ["the", "and", "of"].iter().map(|s| s.to_string()).collect();
    let names = COUNTRIES
        .iter()
        .map(|e| e.2)
        .chain(VARIANTS.iter().map(|v| v.0))
        .chain(TEXT_CODES.iter().copied());
    for name in names {
        let mut last = String::new();
        fold_tokens(name, |t, _| {
            last.clear();
            last.push_str(t);
        });
        set.insert(last);
    }
    set
});

/// The lookup index and any key that two entries claim for different countries.
fn build_index() -> (Index, Vec<String>) {
    let mut map = Index::with_capacity_and_hasher(
        COUNTRIES.len() * 3 + VARIANTS.len(),
        FxBuildHasher::default(),
    );
    let mut conflicts = Vec::new();
    let mut add = |k: String, code: &'static str| {
        if k.is_empty() {
            return;
        }
        if let Some(prev) = map.insert(k.clone(), code)
            && prev != code
        {
            conflicts.push(k);
        }
    };
    for &(a2, a3, name) in COUNTRIES {
        add(a3.to_ascii_lowercase(), a2);
        add(key(name), a2);
    }
    for &(variant, code) in VARIANTS {
        add(key(variant), code);
    }
    (map, conflicts)
}

/// The lookup key of a country name: folded tokens without "the", "and", "of", "saint" as
/// "st", joined without spaces ("Korea, Republic of" → "korearepublic").
fn key(s: &str) -> String {
    let mut k = String::with_capacity(s.len());
    fold_tokens(s, |t, _| push_key_token(&mut k, t));
    k
}

fn push_key_token(k: &mut String, t: &str) {
    k.push_str(key_token(t));
}

/// A folded token as it stands in a key: common words dropped, abbreviations spelled out.
fn key_token(t: &str) -> &str {
    match t {
        "the" | "and" | "of" => "",
        "saint" => "st",
        "rep" => "republic",
        "dem" => "democratic",
        "fed" => "federation",
        "is" | "isl" => "islands",
        "utd" => "united",
        _ => t,
    }
}

/// Index into [`COUNTRIES`] by the two letters of an alpha-2 code (`u8::MAX`: unassigned).
static ALPHA2: LazyLock<[u8; 26 * 26]> = LazyLock::new(|| {
    let mut t = [u8::MAX; 26 * 26];
    for (i, e) in COUNTRIES.iter().enumerate() {
        let b = e.0.as_bytes();
        t[usize::from(b[0] - b'A') * 26 + usize::from(b[1] - b'A')] = i as u8;
    }
    t
});

fn alpha2(code: &str) -> Option<&'static str> {
    let b = code.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let (x, y) = (b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase());
    if (x, y) == (b'U', b'K') {
        return Some("GB");
    }
    let i = ALPHA2[usize::from(x - b'A') * 26 + usize::from(y - b'A')];
    COUNTRIES.get(usize::from(i)).map(|e| e.0)
}

/// ISO 3166-1 alpha-2 code of a country given as an alpha-2 or alpha-3 code, its English
/// name, or a common variant or local name ("UK", "England" → `GB`; "PRC", "中国",
/// "Zhongguo" → `CN`; "Deutschland" → `DE`; "Türkiye" → `TR`). Case, accent and punctuation
/// insensitive. Ambiguous short names resolve to the most common reading: "Korea" → `KR`,
/// "Congo" → `CG` (its ISO name), "Georgia" → `GE`.
pub fn country(raw: &str) -> Option<&'static str> {
    let t = raw.trim();
    let b = t.as_bytes();
    if b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic) {
        return alpha2(t);
    }
    if b.len() == 3
        && b.iter().all(u8::is_ascii_alphabetic)
        && let Some(&code) = INDEX.get(t.to_ascii_lowercase().as_str())
    {
        return Some(code);
    }
    if let Some(&code) = INDEX.get(key(t).as_str()) {
        return Some(code);
    }
    // "Great Britain (UK)", "Republic of China (Taiwan)": the part outside the brackets, else
    // the part inside.
    let (open, close) = (t.find(['(', '[']), t.rfind([')', ']']));
    if let (Some(o), Some(c)) = (open, close)
        && o < c
    {
        let outside = format!("{} {}", &t[..o], &t[c + 1..]);
        return INDEX
            .get(key(&outside).as_str())
            .or_else(|| INDEX.get(key(&t[o + 1..c]).as_str()))
            .copied();
    }
    None
}

/// The country named by a run of folded address tokens, when they spell a name (or "uk",
/// "usa", "uae", "prc") rather than a bare code that could be an ordinary word.
pub(crate) fn country_in_text(tokens: &[&str]) -> Option<&'static str> {
    if !ends_a_country_name(tokens.last()?) {
        return None;
    }
    // The key on the stack: the longest name key is well under 64 bytes.
    let mut key = [0u8; 64];
    let mut len = 0;
    for t in tokens {
        let t = key_token(t);
        key.get_mut(len..len + t.len())?
            .copy_from_slice(t.as_bytes());
        len += t.len();
    }
    let k = std::str::from_utf8(&key[..len]).ok()?;
    if k.len() <= 3 && !TEXT_CODES.contains(&k) {
        return None;
    }
    INDEX.get(k).copied()
}

/// Whether a folded token can be the last of a country name (a cheap filter before
/// [`country_in_text`]).
pub(crate) fn ends_a_country_name(token: &str) -> bool {
    LAST_TOKENS.contains(token)
}

/// The English short name of an alpha-2 code (`"DE"` → `"Germany"`).
pub fn country_name(alpha2_code: &str) -> Option<&'static str> {
    entry(alpha2_code).map(|e| e.2)
}

/// The alpha-3 code of an alpha-2 code (`"DE"` → `"DEU"`).
pub fn alpha3(alpha2_code: &str) -> Option<&'static str> {
    entry(alpha2_code).map(|e| e.1)
}

fn entry(alpha2_code: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    if alpha2_code.len() != 2 {
        return None;
    }
    let code = alpha2(alpha2_code)?;
    COUNTRIES.iter().find(|e| e.0 == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_complete_sorted_and_consistent() {
        assert_eq!(COUNTRIES.len(), 250);
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        let (_, conflicts) = build_index();
        assert!(conflicts.is_empty(), "{conflicts:?}");
        for &(a2, a3, name) in COUNTRIES {
            assert_eq!(country(a2), Some(a2), "{a2}");
            assert_eq!(country(&a2.to_lowercase()), Some(a2), "{a2}");
            assert_eq!(country(a3), Some(a2), "{a3}");
            assert_eq!(country(name), Some(a2), "{name}");
            assert_eq!(country(&name.to_uppercase()), Some(a2), "{name}");
        }
        for &(variant, code) in VARIANTS {
            assert_eq!(country(variant), Some(code), "{variant}");
        }
    }

    #[test]
    fn variants() {
        for (raw, code) in [
            ("UK", "GB"),
            ("u.k.", "GB"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("United States of America", "US"),
            ("america", "US"),
            ("PRC", "CN"),
            ("China", "CN"),
            ("中国", "CN"),
            ("Zhongguo", "CN"),
            ("P.R.China", "CN"),
            ("Deutschland", "DE"),
            ("Hong Kong", "HK"),
            ("香港", "HK"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("TURKIYE", "TR"),
            ("South Korea", "KR"),
            ("Korea, Republic of", "KR"),
            ("Viet Nam", "VN"),
            ("Vietnam", "VN"),
            ("Russia", "RU"),
            ("Russian Federation", "RU"),
            ("Holland", "NL"),
            ("The Netherlands", "NL"),
            ("UAE", "AE"),
            ("Côte d’Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("St. Kitts & Nevis", "KN"),
            ("St Lucia", "LC"),
            ("Bosnia & Herzegovina", "BA"),
            ("  germany ", "DE"),
            ("DEU", "DE"),
            ("gbr", "GB"),
            ("Åland", "AX"),
        ] {
            assert_eq!(country(raw), Some(code), "{raw}");
        }
        for raw in [
            "", "  ", "XX", "ZZZ", "Atlantis", "Europe", "EU", "N/A", "123",
        ] {
            assert_eq!(country(raw), None, "{raw}");
        }
    }

    #[test]
    fn names_and_alpha3() {
        assert_eq!(country_name("de"), Some("Germany"));
        assert_eq!(alpha3("GB"), Some("GBR"));
        assert_eq!(alpha3("UK"), Some("GBR"));
        assert_eq!(alpha3("XX"), None);
        assert_eq!(country_name("Germany"), None);
    }

    #[test]
    fn text_tokens() {
        let t = |s: &'static str| s.split(' ').collect::<Vec<_>>();
        assert_eq!(country_in_text(&t("united kingdom")), Some("GB"));
        assert_eq!(country_in_text(&t("uk")), Some("GB"));
        assert_eq!(country_in_text(&t("china")), Some("CN"));
        assert_eq!(country_in_text(&t("can")), None);
        assert_eq!(country_in_text(&t("de")), None);
    }

    proptest! {
        #[test]
        fn never_panics_and_returns_a_table_code(s in any::<String>()) {
            if let Some(code) = country(&s) {
                prop_assert!(COUNTRIES.iter().any(|e| e.0 == code));
            }
        }

        #[test]
        fn result_is_a_fixed_point(s in "[A-Za-z ]{0,20}") {
            if let Some(code) = country(&s) {
                prop_assert_eq!(country(code), Some(code));
            }
        }
    }
}
