//! Static pools the world is drawn from: countries, names, streets, brands and product categories.
//!
//! Every pool is a plain `&'static` table so that generating a party is index arithmetic, not
//! allocation. Chinese entries carry both the pinyin and the character spelling, so the same
//! actor can be written either way by different partners (transliteration).

/// Naming and address conventions of a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Cn,
    Hk,
    Gb,
    Us,
    De,
    It,
    Fr,
    Tr,
    Vn,
    In,
}

pub struct City {
    pub name: &'static str,
    /// Local script spelling (Chinese characters), empty when the same as `name`.
    pub local: &'static str,
    pub region: &'static str,
    pub region_local: &'static str,
    /// Leading characters of the city's postcodes.
    pub postcode_prefix: &'static str,
}

pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    /// International dialling code without `+`.
    pub dial: &'static str,
    /// National trunk prefix written before the national number ("0"), or "".
    pub trunk: &'static str,
    pub style: Style,
    pub cities: &'static [City],
    pub email_domains: &'static [&'static str],
    /// Currency a shipper from here usually declares in.
    pub currency: &'static str,
}

const fn city(
    name: &'static str,
    local: &'static str,
    region: &'static str,
    region_local: &'static str,
    postcode_prefix: &'static str,
) -> City {
    City {
        name,
        local,
        region,
        region_local,
        postcode_prefix,
    }
}

pub const CN: usize = 0;
pub const HK: usize = 1;
pub const GB: usize = 2;
pub const US: usize = 3;
pub const DE: usize = 4;
pub const IT: usize = 5;
pub const FR: usize = 6;
pub const TR: usize = 7;
pub const VN: usize = 8;
pub const IN: usize = 9;

pub static COUNTRIES: [Country; 10] = [
    Country {
        code: "CN",
        name: "China",
        dial: "86",
        trunk: "",
        style: Style::Cn,
        cities: &[
            city("Guangzhou", "广州", "Guangdong", "广东", "510"),
            city("Shenzhen", "深圳", "Guangdong", "广东", "518"),
            city("Dongguan", "东莞", "Guangdong", "广东", "523"),
            city("Yiwu", "义乌", "Zhejiang", "浙江", "322"),
            city("Ningbo", "宁波", "Zhejiang", "浙江", "315"),
            city("Putian", "莆田", "Fujian", "福建", "351"),
            city("Quanzhou", "泉州", "Fujian", "福建", "362"),
            city("Jinjiang", "晋江", "Fujian", "福建", "362"),
            city("Shanghai", "上海", "Shanghai", "上海", "200"),
            city("Hangzhou", "杭州", "Zhejiang", "浙江", "310"),
        ],
        email_domains: &[
            "qq.com",
            "163.com",
            "126.com",
            "gmail.com",
            "outlook.com",
            "foxmail.com",
        ],
        currency: "USD",
    },
    Country {
        code: "HK",
        name: "Hong Kong",
        dial: "852",
        trunk: "",
        style: Style::Hk,
        cities: &[
            city("Hong Kong", "香港", "Kowloon", "九龍", ""),
            city("Hong Kong", "香港", "New Territories", "新界", ""),
            city("Hong Kong", "香港", "Hong Kong Island", "香港島", ""),
        ],
        email_domains: &["gmail.com", "yahoo.com.hk", "outlook.com", "netvigator.com"],
        currency: "HKD",
    },
    Country {
        code: "GB",
        name: "United Kingdom",
        dial: "44",
        trunk: "0",
        style: Style::Gb,
        cities: &[
            city("London", "", "Greater London", "", "E"),
            city("Manchester", "", "Greater Manchester", "", "M"),
            city("Birmingham", "", "West Midlands", "", "B"),
            city("Leeds", "", "West Yorkshire", "", "LS"),
            city("Glasgow", "", "Lanarkshire", "", "G"),
            city("Bristol", "", "Avon", "", "BS"),
            city("Leicester", "", "Leicestershire", "", "LE"),
            city("Luton", "", "Bedfordshire", "", "LU"),
            city("Bradford", "", "West Yorkshire", "", "BD"),
            city("Cardiff", "", "South Glamorgan", "", "CF"),
            city("Slough", "", "Berkshire", "", "SL"),
            city("Liverpool", "", "Merseyside", "", "L"),
        ],
        email_domains: &[
            "gmail.com",
            "hotmail.co.uk",
            "outlook.com",
            "yahoo.co.uk",
            "btinternet.com",
            "icloud.com",
        ],
        currency: "GBP",
    },
    Country {
        code: "US",
        name: "United States",
        dial: "1",
        trunk: "",
        style: Style::Us,
        cities: &[
            city("New York", "", "NY", "", "100"),
            city("Los Angeles", "", "CA", "", "900"),
            city("Miami", "", "FL", "", "331"),
            city("Chicago", "", "IL", "", "606"),
            city("Houston", "", "TX", "", "770"),
            city("Seattle", "", "WA", "", "981"),
        ],
        email_domains: &["gmail.com", "yahoo.com", "outlook.com", "aol.com"],
        currency: "USD",
    },
    Country {
        code: "DE",
        name: "Germany",
        dial: "49",
        trunk: "0",
        style: Style::De,
        cities: &[
            city("Berlin", "", "Berlin", "", "10"),
            city("Hamburg", "", "Hamburg", "", "20"),
            city("Köln", "", "Nordrhein-Westfalen", "", "50"),
            city("Frankfurt am Main", "", "Hessen", "", "60"),
            city("München", "", "Bayern", "", "80"),
        ],
        email_domains: &["gmx.de", "web.de", "t-online.de", "gmail.com"],
        currency: "EUR",
    },
    Country {
        code: "IT",
        name: "Italy",
        dial: "39",
        trunk: "",
        style: Style::It,
        cities: &[
            city("Milano", "", "MI", "", "201"),
            city("Firenze", "", "FI", "", "501"),
            city("Napoli", "", "NA", "", "801"),
            city("Prato", "", "PO", "", "590"),
            city("Roma", "", "RM", "", "001"),
        ],
        email_domains: &["libero.it", "gmail.com", "virgilio.it", "alice.it"],
        currency: "EUR",
    },
    Country {
        code: "FR",
        name: "France",
        dial: "33",
        trunk: "0",
        style: Style::Fr,
        cities: &[
            city("Paris", "", "Île-de-France", "", "75"),
            city("Lyon", "", "Auvergne-Rhône-Alpes", "", "69"),
            city("Marseille", "", "Provence-Alpes-Côte d'Azur", "", "13"),
            city("Lille", "", "Hauts-de-France", "", "59"),
        ],
        email_domains: &["orange.fr", "gmail.com", "free.fr", "laposte.net"],
        currency: "EUR",
    },
    Country {
        code: "TR",
        name: "Turkey",
        dial: "90",
        trunk: "0",
        style: Style::Tr,
        cities: &[
            city("İstanbul", "", "Fatih", "", "34"),
            city("İstanbul", "", "Bağcılar", "", "34"),
            city("İstanbul", "", "Zeytinburnu", "", "34"),
            city("İzmir", "", "Konak", "", "35"),
            city("Bursa", "", "Osmangazi", "", "16"),
        ],
        email_domains: &["gmail.com", "hotmail.com", "yandex.com", "outlook.com.tr"],
        currency: "USD",
    },
    Country {
        code: "VN",
        name: "Viet Nam",
        dial: "84",
        trunk: "0",
        style: Style::Vn,
        cities: &[
            city("Ho Chi Minh City", "", "District 5", "", "700"),
            city("Ho Chi Minh City", "", "Tan Binh", "", "700"),
            city("Hanoi", "", "Hoan Kiem", "", "100"),
            city("Hai Phong", "", "Le Chan", "", "180"),
        ],
        email_domains: &["gmail.com", "yahoo.com.vn", "outlook.com"],
        currency: "USD",
    },
    Country {
        code: "IN",
        name: "India",
        dial: "91",
        trunk: "0",
        style: Style::In,
        cities: &[
            city("Mumbai", "", "Maharashtra", "", "400"),
            city("Delhi", "", "Delhi", "", "110"),
            city("Surat", "", "Gujarat", "", "395"),
            city("Bengaluru", "", "Karnataka", "", "560"),
            city("Ludhiana", "", "Punjab", "", "141"),
        ],
        email_domains: &["gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"],
        currency: "USD",
    },
];

/// A name part with its local script spelling ("" when there is none).
pub type Named = (&'static str, &'static str);

pub static CN_FAMILY: &[Named] = &[
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Lin", "林"),
    ("He", "何"),
    ("Guo", "郭"),
    ("Ma", "马"),
    ("Luo", "罗"),
    ("Zheng", "郑"),
];
pub static CN_GIVEN: &[Named] = &[
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Na", "娜"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Li", "丽"),
    ("Qiang", "强"),
    ("Lei", "磊"),
    ("Jun", "军"),
    ("Yang", "洋"),
    ("Yong", "勇"),
    ("Yan", "艳"),
    ("Jie", "杰"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
    ("Xiuying", "秀英"),
    ("Hua", "华"),
    ("Hui", "慧"),
    ("Jianguo", "建国"),
    ("Xiaoming", "小明"),
    ("Haiyan", "海燕"),
];
pub static HK_FAMILY: &[Named] = &[
    ("Chan", "陳"),
    ("Wong", "黃"),
    ("Leung", "梁"),
    ("Cheung", "張"),
    ("Lau", "劉"),
    ("Lee", "李"),
    ("Ho", "何"),
    ("Tsang", "曾"),
    ("Ng", "吳"),
    ("Yip", "葉"),
];
pub static HK_GIVEN: &[Named] = &[
    ("Ka Ming", "家明"),
    ("Wai Man", "偉文"),
    ("Siu Ling", "小玲"),
    ("Chi Keung", "志強"),
    ("Mei Ling", "美玲"),
    ("Kwok Wai", "國偉"),
    ("Tak Shing", "德成"),
    ("Hoi Yan", "凱欣"),
];

pub struct Culture {
    pub given: &'static [&'static str],
    pub family: &'static [&'static str],
    pub streets: &'static [&'static str],
}

pub static GB_CULTURE: Culture = Culture {
    given: &[
        "James", "Oliver", "Amelia", "Olivia", "Harry", "Jack", "Isla", "Emily", "Mohammed",
        "Aisha", "Daniel", "Sophie", "Thomas", "Grace", "Priya", "Ryan", "Chloe", "Adam", "Zara",
        "Liam", "Hannah", "Connor", "Fatima", "Jessica", "Callum", "Megan", "Samuel", "Ellie",
        "Kieran", "Lucy",
    ],
    family: &[
        "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
        "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
        "Hughes", "Green", "Hall", "Khan", "Ali", "Hussain", "Patel", "Begum", "Clarke", "Jackson",
        "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee",
        "King", "Baker", "Harrison",
    ],
    streets: &[
        "High",
        "Station",
        "Church",
        "Victoria",
        "Park",
        "Green",
        "Manor",
        "Kings",
        "Queens",
        "Mill",
        "Albert",
        "Grange",
        "Springfield",
        "Windsor",
        "Alexandra",
        "York",
        "Cromwell",
        "Stanley",
        "Brook",
        "Chapel",
        "Oakfield",
        "Richmond",
        "Highfield",
        "Clarence",
    ],
};
pub static US_CULTURE: Culture = Culture {
    given: &[
        "Michael", "Jennifer", "David", "Ashley", "Chris", "Jessica", "Kevin", "Maria", "Jose",
        "Emily", "Brian", "Sarah", "Jason", "Nicole", "Eric",
    ],
    family: &[
        "Johnson",
        "Garcia",
        "Miller",
        "Rodriguez",
        "Martinez",
        "Anderson",
        "Lopez",
        "Gonzalez",
        "Kim",
        "Nguyen",
        "Hernandez",
        "Davis",
        "Moore",
        "Jackson",
    ],
    streets: &[
        "Main",
        "Oak",
        "Pine",
        "Maple",
        "Cedar",
        "Elm",
        "Washington",
        "Lake",
        "Hill",
        "Sunset",
    ],
};
pub static DE_CULTURE: Culture = Culture {
    given: &[
        "Lukas",
        "Anna",
        "Jonas",
        "Lea",
        "Felix",
        "Laura",
        "Maximilian",
        "Sarah",
        "Paul",
        "Julia",
        "Mehmet",
        "Katharina",
    ],
    family: &[
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Yilmaz",
        "Koch",
    ],
    streets: &[
        "Haupt", "Bahnhof", "Garten", "Schul", "Linden", "Berg", "Kirch", "Wald", "Ring", "Goethe",
    ],
};
pub static IT_CULTURE: Culture = Culture {
    given: &[
        "Marco",
        "Giulia",
        "Luca",
        "Francesca",
        "Alessandro",
        "Chiara",
        "Matteo",
        "Sara",
        "Andrea",
        "Elena",
    ],
    family: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo",
    ],
    streets: &[
        "Roma",
        "Garibaldi",
        "Mazzini",
        "Dante",
        "Verdi",
        "Cavour",
        "Manzoni",
        "Marconi",
        "Matteotti",
    ],
};
pub static FR_CULTURE: Culture = Culture {
    given: &[
        "Louis", "Emma", "Gabriel", "Jade", "Hugo", "Chloé", "Lucas", "Léa", "Nathan", "Manon",
    ],
    family: &[
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau",
    ],
    streets: &[
        "de la République",
        "Victor Hugo",
        "Jean Jaurès",
        "de la Paix",
        "Pasteur",
        "Voltaire",
        "du Moulin",
    ],
};
pub static TR_CULTURE: Culture = Culture {
    given: &[
        "Mehmet", "Ayşe", "Mustafa", "Fatma", "Ahmet", "Emine", "Ali", "Zeynep", "Hüseyin", "Elif",
        "Murat",
    ],
    family: &[
        "Yılmaz",
        "Kaya",
        "Demir",
        "Şahin",
        "Çelik",
        "Yıldız",
        "Yıldırım",
        "Öztürk",
        "Aydın",
        "Özdemir",
        "Arslan",
        "Doğan",
    ],
    streets: &[
        "Atatürk",
        "Cumhuriyet",
        "İnönü",
        "Gazi",
        "Fevzi Çakmak",
        "Mimar Sinan",
        "Fatih Sultan",
    ],
};
pub static VN_CULTURE: Culture = Culture {
    given: &[
        "Anh", "Linh", "Minh", "Huong", "Tuan", "Lan", "Duc", "Thao", "Hung", "Mai",
    ],
    family: &[
        "Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do",
    ],
    streets: &[
        "Le Loi",
        "Nguyen Hue",
        "Tran Hung Dao",
        "Hai Ba Trung",
        "Ly Thuong Kiet",
        "Hung Vuong",
    ],
};
pub static IN_CULTURE: Culture = Culture {
    given: &[
        "Rahul", "Priya", "Amit", "Neha", "Vikram", "Pooja", "Sanjay", "Anjali", "Arjun", "Kavita",
    ],
    family: &[
        "Sharma", "Patel", "Singh", "Kumar", "Gupta", "Shah", "Mehta", "Reddy", "Jain", "Agarwal",
    ],
    streets: &[
        "Mahatma Gandhi",
        "Station",
        "Nehru",
        "Link",
        "Ring",
        "Market",
        "Subhash",
    ],
};

/// Chinese street names with their characters.
pub static CN_STREETS: &[Named] = &[
    ("Jianshe", "建设"),
    ("Renmin", "人民"),
    ("Zhongshan", "中山"),
    ("Jiefang", "解放"),
    ("Heping", "和平"),
    ("Xinhua", "新华"),
    ("Changjiang", "长江"),
    ("Dongfeng", "东风"),
    ("Wenhua", "文化"),
    ("Yingbin", "迎宾"),
    ("Guangming", "光明"),
    ("Huanshi", "环市"),
    ("Gongye", "工业"),
    ("Chuangye", "创业"),
];
/// Chinese districts with their characters.
pub static CN_DISTRICTS: &[Named] = &[
    ("Baiyun", "白云"),
    ("Tianhe", "天河"),
    ("Longgang", "龙岗"),
    ("Bao'an", "宝安"),
    ("Futian", "福田"),
    ("Haizhu", "海珠"),
    ("Panyu", "番禺"),
    ("Licheng", "荔城"),
    ("Choujiang", "稠江"),
    ("Jiangbei", "江北"),
];
pub static HK_STREETS: &[&str] = &[
    "Nathan",
    "Canton",
    "Hennessy",
    "Queen's",
    "Castle Peak",
    "Tung Chau",
    "Sha Tsui",
    "Lai Chi Kok",
];
pub static HK_DISTRICTS: &[&str] = &[
    "Mong Kok",
    "Kwun Tong",
    "Tsuen Wan",
    "Sham Shui Po",
    "Wan Chai",
    "Kwai Chung",
];

/// A product category with its customs classification and its honest descriptions.
pub struct Category {
    pub name: &'static str,
    /// HS codes (6 digits) that fit the goods.
    pub hs: &'static [&'static str],
    pub descriptions: &'static [&'static str],
    /// Genuine price floor of branded goods, GBP per unit.
    pub floor_gbp: u32,
    /// Lowest unit value that is still plausible for honest unbranded goods, GBP.
    pub plausible_min_gbp: u32,
    /// Typical honest unbranded unit value ceiling, GBP.
    pub generic_max_gbp: u32,
    /// Unit weight in grams.
    pub unit_grams: u32,
    /// Emporium's category code for it.
    pub emporium_code: &'static str,
    /// Bazaar's category path for it.
    pub bazaar_path: &'static str,
}

pub static CATEGORIES: &[Category] = &[
    Category {
        name: "footwear",
        hs: &["640411", "640419", "640399"],
        descriptions: &[
            "running shoes",
            "mens trainers",
            "womens sneakers",
            "sports shoes",
            "basketball shoes",
        ],
        floor_gbp: 60,
        plausible_min_gbp: 8,
        generic_max_gbp: 45,
        unit_grams: 900,
        emporium_code: "C-1101",
        bazaar_path: "Fashion > Shoes",
    },
    Category {
        name: "apparel",
        hs: &["610910", "611020", "611030", "610462"],
        descriptions: &[
            "cotton t-shirt",
            "hooded sweatshirt",
            "track jacket",
            "sports shorts",
            "football shirt",
        ],
        floor_gbp: 25,
        plausible_min_gbp: 3,
        generic_max_gbp: 22,
        unit_grams: 300,
        emporium_code: "C-1102",
        bazaar_path: "Fashion > Clothing",
    },
    Category {
        name: "handbags",
        hs: &["420221", "420222", "420231"],
        descriptions: &[
            "leather handbag",
            "shoulder bag",
            "tote bag",
            "leather wallet",
            "crossbody bag",
        ],
        floor_gbp: 350,
        plausible_min_gbp: 6,
        generic_max_gbp: 80,
        unit_grams: 700,
        emporium_code: "C-1201",
        bazaar_path: "Fashion > Bags",
    },
    Category {
        name: "watches",
        hs: &["910211", "910219", "910111"],
        descriptions: &[
            "wrist watch",
            "quartz watch",
            "stainless steel watch",
            "chronograph watch",
        ],
        floor_gbp: 180,
        plausible_min_gbp: 5,
        generic_max_gbp: 60,
        unit_grams: 150,
        emporium_code: "C-1301",
        bazaar_path: "Jewellery & Watches > Watches",
    },
    Category {
        name: "electronics",
        hs: &["851830", "850440", "851762"],
        descriptions: &[
            "wireless earbuds",
            "bluetooth headphones",
            "usb charger",
            "power bank",
        ],
        floor_gbp: 45,
        plausible_min_gbp: 4,
        generic_max_gbp: 35,
        unit_grams: 200,
        emporium_code: "C-2101",
        bazaar_path: "Electronics > Audio",
    },
    Category {
        name: "cosmetics",
        hs: &["330499", "330410", "330300"],
        descriptions: &[
            "lipstick set",
            "eau de parfum 100ml",
            "face cream",
            "eyeshadow palette",
            "perfume",
        ],
        floor_gbp: 30,
        plausible_min_gbp: 2,
        generic_max_gbp: 20,
        unit_grams: 250,
        emporium_code: "C-3101",
        bazaar_path: "Beauty > Makeup & Fragrance",
    },
    Category {
        name: "eyewear",
        hs: &["900410"],
        descriptions: &["sunglasses", "polarised sunglasses", "aviator sunglasses"],
        floor_gbp: 95,
        plausible_min_gbp: 3,
        generic_max_gbp: 30,
        unit_grams: 80,
        emporium_code: "C-1401",
        bazaar_path: "Fashion > Accessories > Eyewear",
    },
    Category {
        name: "toys",
        hs: &["950300"],
        descriptions: &[
            "building blocks set",
            "plush toy",
            "action figure",
            "construction toy",
        ],
        floor_gbp: 25,
        plausible_min_gbp: 2,
        generic_max_gbp: 25,
        unit_grams: 600,
        emporium_code: "C-4101",
        bazaar_path: "Toys & Games",
    },
    Category {
        name: "outerwear",
        hs: &["620193", "620140", "620293"],
        descriptions: &["down jacket", "parka", "rain jacket", "padded coat"],
        floor_gbp: 120,
        plausible_min_gbp: 10,
        generic_max_gbp: 60,
        unit_grams: 1100,
        emporium_code: "C-1103",
        bazaar_path: "Fashion > Coats & Jackets",
    },
    Category {
        name: "jewellery",
        hs: &["711311", "711719"],
        descriptions: &["silver necklace", "bracelet", "pendant", "earrings"],
        floor_gbp: 80,
        plausible_min_gbp: 2,
        generic_max_gbp: 30,
        unit_grams: 60,
        emporium_code: "C-1302",
        bazaar_path: "Jewellery & Watches > Jewellery",
    },
];

/// Descriptions that say nothing about the goods.
pub static GENERIC_DESCRIPTIONS: &[&str] = &[
    "gift",
    "sample",
    "clothes",
    "accessories",
    "goods",
    "shoes",
    "bag",
    "parts",
    "daily necessities",
    "personal items",
    "textile",
    "present",
];

/// HS codes of goods that no branded product of our categories is: a declared code from here
/// (or from another category) does not fit the goods.
pub static MISFIT_HS: &[&str] = &["630790", "482190", "392690", "731815", "940540", "560900"];

/// A brand template: the brand's word mark, a real word or other brand that looks like it, its
/// categories and the countries of its genuine factories.
pub struct BrandTemplate {
    pub name: &'static str,
    pub extra_mark: &'static str,
    pub lookalike_exception: &'static str,
    /// What honest goods named like the exception are.
    pub exception_goods: &'static str,
    pub categories: &'static [usize],
    pub origins: &'static [&'static str],
}

pub const FOOTWEAR: usize = 0;
pub const APPAREL: usize = 1;
pub const HANDBAGS: usize = 2;
pub const WATCHES: usize = 3;
pub const ELECTRONICS: usize = 4;
pub const COSMETICS: usize = 5;
pub const EYEWEAR: usize = 6;
pub const TOYS: usize = 7;
pub const OUTERWEAR: usize = 8;
pub const JEWELLERY: usize = 9;

pub static BRANDS: &[BrandTemplate] = &[
    BrandTemplate {
        name: "Nivo",
        extra_mark: "Nivo Air",
        lookalike_exception: "Nivon",
        exception_goods: "lens cap",
        categories: &[FOOTWEAR, APPAREL],
        origins: &["VN", "ID"],
    },
    BrandTemplate {
        name: "Adora",
        extra_mark: "Adora Originals",
        lookalike_exception: "Adorable",
        exception_goods: "baby socks",
        categories: &[FOOTWEAR, APPAREL, OUTERWEAR],
        origins: &["VN", "KH", "CN"],
    },
    BrandTemplate {
        name: "Solace",
        extra_mark: "Solace Paris",
        lookalike_exception: "Solar",
        exception_goods: "garden light",
        categories: &[HANDBAGS, JEWELLERY],
        origins: &["IT", "FR"],
    },
    BrandTemplate {
        name: "Kairo",
        extra_mark: "Kairo Geneve",
        lookalike_exception: "Cairo",
        exception_goods: "print scarf",
        categories: &[WATCHES],
        origins: &["CH"],
    },
    BrandTemplate {
        name: "Lumira",
        extra_mark: "Lumira Pods",
        lookalike_exception: "Lumina",
        exception_goods: "desk lamp",
        categories: &[ELECTRONICS],
        origins: &["CN", "VN"],
    },
    BrandTemplate {
        name: "Marlowe",
        extra_mark: "Marlowe London",
        lookalike_exception: "Marlow",
        exception_goods: "tea caddy",
        categories: &[HANDBAGS, OUTERWEAR],
        origins: &["IT", "GB"],
    },
    BrandTemplate {
        name: "Orbis",
        extra_mark: "Orbis Chrono",
        lookalike_exception: "Orbit",
        exception_goods: "chewing gum",
        categories: &[WATCHES, JEWELLERY],
        origins: &["CH", "JP"],
    },
    BrandTemplate {
        name: "Velora",
        extra_mark: "Velora Beauty",
        lookalike_exception: "Velour",
        exception_goods: "cushion cover",
        categories: &[COSMETICS],
        origins: &["FR"],
    },
    BrandTemplate {
        name: "Tundra",
        extra_mark: "Tundra Expedition",
        lookalike_exception: "Tundra Tyres",
        exception_goods: "tyre valve caps",
        categories: &[OUTERWEAR, FOOTWEAR],
        origins: &["CN", "BD"],
    },
    BrandTemplate {
        name: "Halden",
        extra_mark: "Halden Optics",
        lookalike_exception: "Holden",
        exception_goods: "car key fob",
        categories: &[EYEWEAR],
        origins: &["IT"],
    },
    BrandTemplate {
        name: "Brixo",
        extra_mark: "Brixo City",
        lookalike_exception: "Brix",
        exception_goods: "garden edging",
        categories: &[TOYS],
        origins: &["DK", "CZ"],
    },
    BrandTemplate {
        name: "Zefira",
        extra_mark: "Zefira Luxe",
        lookalike_exception: "Zefir",
        exception_goods: "marshmallow sweets",
        categories: &[COSMETICS, JEWELLERY],
        origins: &["FR", "IT"],
    },
    BrandTemplate {
        name: "Pexa",
        extra_mark: "Pexa Play",
        lookalike_exception: "Pixa",
        exception_goods: "photo frame",
        categories: &[TOYS, ELECTRONICS],
        origins: &["DK", "CN"],
    },
    BrandTemplate {
        name: "Corvo",
        extra_mark: "Corvo Milano",
        lookalike_exception: "Corvette",
        exception_goods: "model car",
        categories: &[APPAREL, HANDBAGS, EYEWEAR],
        origins: &["IT"],
    },
];

/// Trading-name words for companies.
pub static COMPANY_WORDS: &[&str] = &[
    "Golden",
    "Star",
    "Bright",
    "Sunrise",
    "Ocean",
    "Dragon",
    "Lucky",
    "Rising",
    "Global",
    "Prime",
    "Silver",
    "Jade",
    "Phoenix",
    "Harmony",
    "Eastern",
    "Pacific",
    "Crown",
    "Summit",
    "Atlas",
    "Vista",
    "Northern",
    "Swift",
    "Union",
    "Royal",
    "Grand",
    "Blue",
    "Evergreen",
    "Unity",
    "Fortune",
    "Horizon",
];
pub static COMPANY_TRADES: &[&str] = &[
    "Trading",
    "Import & Export",
    "Technology",
    "Garments",
    "Shoes",
    "Leather",
    "E-commerce",
    "Supply Chain",
    "Industrial",
    "Fashion",
    "Electronics",
    "Commerce",
    "Logistics",
    "Retail",
];
pub static SHOP_WORDS: &[&str] = &[
    "Store",
    "Shop",
    "Outlet",
    "Official",
    "Direct",
    "Mall",
    "Deals",
    "Boutique",
    "Warehouse",
    "Express",
];
