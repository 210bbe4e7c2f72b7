use serde::Deserialize;

use crate::SimError;

/// Every figure of the simulated world. Defaults are deliberately hard (few tells, heavy hubs,
/// noisy identities), not flattering; docs/simulator.md explains each one.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Seed of every random choice; the same config writes byte-identical files.
    pub seed: u64,
    /// Shipments over the whole period (each seen by the carrier and by customs).
    pub shipments: usize,
    /// First day of the simulated period (ISO date).
    pub start_date: String,
    /// Length of the period in weeks.
    pub weeks: u32,
    /// Number of brands (at most the 14 built-in templates).
    pub brands: usize,

    // --- counterfeit trade ---
    /// Share of shipments carrying counterfeit goods.
    pub counterfeit_share: f64,
    /// Share of counterfeit shipments with no textual tell at all: honest description, plausible
    /// value, fitting HS code, no mark.
    pub no_tell_share: f64,
    /// For a counterfeit shipment that has tells: chance the description names the brand.
    pub tell_brand_share: f64,
    /// When the brand is named: chance it is a look-alike spelling ("N1vo", homoglyphs) rather
    /// than the mark itself.
    pub lookalike_spelling_share: f64,
    /// For a counterfeit shipment that has tells: chance of a generic description ("gift").
    pub tell_generic_share: f64,
    /// For a counterfeit shipment that has tells: chance of an HS code that does not fit.
    pub tell_hs_share: f64,
    /// For a counterfeit shipment that has tells: chance of an implausibly low declared value.
    pub tell_low_value_share: f64,
    /// Shipments per counterfeit network (networks = ceil(shipments / this), at least 2).
    pub shipments_per_network: usize,
    /// People behind one network (min, max).
    pub network_members_min: usize,
    pub network_members_max: usize,
    /// Seller accounts a network holds at the start of the period (min, max; at least one per
    /// marketplace).
    pub network_accounts_min: usize,
    pub network_accounts_max: usize,
    /// Drop addresses (mules) a network uses in the destination market (max; at least one).
    pub network_drops_max: usize,
    /// Share of a network's parcels sent to a drop address instead of the buyer.
    pub drop_share: f64,
    /// Share of counterfeit marketplace accounts suspended during the period.
    pub suspension_share: f64,
    /// Share of suspended accounts that the network replaces with a new registration.
    pub reregistration_share: f64,
    /// Share of the remaining counterfeit listings removed one by one (brand notices).
    pub counterfeit_listing_removal_share: f64,
    /// Share of honest listings removed by mistake.
    pub legit_listing_removal_share: f64,

    // --- honest trade ---
    /// Honest sellers per 1,000 shipments.
    pub legit_sellers_per_1k_shipments: f64,
    /// Distinct consumers per shipment (below 1 means repeat buyers).
    pub consumers_per_shipment: f64,
    /// Share of shipments that are marketplace orders (carry a marketplace and listing id).
    pub marketplace_order_share: f64,
    /// Mean listings per seller account.
    pub listings_per_account: usize,
    /// Share of honest shipments that are low-value gifts described as "gift".
    pub legit_gift_share: f64,
    /// Share of honest shipments with a generic description.
    pub legit_generic_share: f64,
    /// Share of honest shipments whose description names a look-alike exception ("Nivon lens cap").
    pub legit_lookalike_share: f64,
    /// Share of shipments with several item lines (2 to 4).
    pub multi_item_share: f64,

    // --- identities ---
    /// Share of honest party appearances written with a typo, reordering, transliteration or
    /// abbreviation.
    pub variation_share: f64,
    /// The same for counterfeiters' appearances (they vary on purpose).
    pub network_variation_share: f64,
    /// Share of contact fields filled with junk ("n/a", "0000") by the partner.
    pub junk_contact_share: f64,

    // --- hubs ---
    /// Share of shipments sent through the origin consolidator: its warehouse address and
    /// phone stand in the shipper block whoever the shipper is.
    pub consolidator_share: f64,
    /// Share of consumer consignees using the parcel collection point (one address).
    pub collection_point_share: f64,
    /// Share of shipments whose importer of record is the carrier's customs broker.
    pub broker_importer_share: f64,

    // --- customs ---
    /// Share of shipments customs opens.
    pub inspection_rate: f64,
    /// Share of the inspections chosen by customs' naive rule (the rest are random).
    pub targeted_share: f64,
    /// Chance an opened counterfeit parcel is recognised and seized.
    pub detection_rate: f64,
    /// Chance an opened honest parcel is seized for another reason.
    pub other_seizure_rate: f64,

    // --- brands and the coordination centre ---
    /// Test buys per brand.
    pub test_buys_per_brand: usize,
    /// Authorised sellers per brand (max; at least one).
    pub authorised_per_brand: usize,
    /// Share of counterfeit network people and companies on the watch list.
    pub watchlist_coverage: f64,
    /// Watch-list entries about people absent from every feed, per real entry.
    pub watchlist_noise_share: f64,

    // --- corruption ---
    /// Share of eligible rows corrupted the way real exports are.
    pub corrupt_share: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            shipments: 20_000,
            start_date: "2026-01-05".to_string(),
            weeks: 12,
            brands: 12,
            counterfeit_share: 0.03,
            no_tell_share: 0.40,
            tell_brand_share: 0.35,
            lookalike_spelling_share: 0.6,
            tell_generic_share: 0.4,
            tell_hs_share: 0.3,
            tell_low_value_share: 0.5,
            shipments_per_network: 2_500,
            network_members_min: 2,
            network_members_max: 4,
            network_accounts_min: 3,
            network_accounts_max: 6,
            network_drops_max: 3,
            drop_share: 0.35,
            suspension_share: 0.5,
            reregistration_share: 0.8,
            counterfeit_listing_removal_share: 0.15,
            legit_listing_removal_share: 0.003,
            legit_sellers_per_1k_shipments: 15.0,
            consumers_per_shipment: 0.75,
            marketplace_order_share: 0.7,
            listings_per_account: 5,
            legit_gift_share: 0.04,
            legit_generic_share: 0.06,
            legit_lookalike_share: 0.02,
            multi_item_share: 0.25,
            variation_share: 0.25,
            network_variation_share: 0.6,
            junk_contact_share: 0.01,
            consolidator_share: 0.10,
            collection_point_share: 0.05,
            broker_importer_share: 0.6,
            inspection_rate: 0.015,
            targeted_share: 0.5,
            detection_rate: 0.9,
            other_seizure_rate: 0.04,
            test_buys_per_brand: 8,
            authorised_per_brand: 3,
            watchlist_coverage: 0.6,
            watchlist_noise_share: 0.3,
            corrupt_share: 0.002,
        }
    }
}

impl SimConfig {
    pub fn from_toml_str(text: &str) -> Result<SimConfig, SimError> {
        let config: SimConfig =
            toml::from_str(text).map_err(|e| SimError::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every figure is in range; `simulate` calls it too.
    pub fn validate(&self) -> Result<(), SimError> {
        let shares = [
            ("counterfeit_share", self.counterfeit_share),
            ("no_tell_share", self.no_tell_share),
            ("tell_brand_share", self.tell_brand_share),
            ("lookalike_spelling_share", self.lookalike_spelling_share),
            ("tell_generic_share", self.tell_generic_share),
            ("tell_hs_share", self.tell_hs_share),
            ("tell_low_value_share", self.tell_low_value_share),
            ("drop_share", self.drop_share),
            ("suspension_share", self.suspension_share),
            ("reregistration_share", self.reregistration_share),
            (
                "counterfeit_listing_removal_share",
                self.counterfeit_listing_removal_share,
            ),
            (
                "legit_listing_removal_share",
                self.legit_listing_removal_share,
            ),
            ("marketplace_order_share", self.marketplace_order_share),
            ("legit_gift_share", self.legit_gift_share),
            ("legit_generic_share", self.legit_generic_share),
            ("legit_lookalike_share", self.legit_lookalike_share),
            ("multi_item_share", self.multi_item_share),
            ("variation_share", self.variation_share),
            ("network_variation_share", self.network_variation_share),
            ("junk_contact_share", self.junk_contact_share),
            ("consolidator_share", self.consolidator_share),
            ("collection_point_share", self.collection_point_share),
            ("broker_importer_share", self.broker_importer_share),
            ("inspection_rate", self.inspection_rate),
            ("targeted_share", self.targeted_share),
            ("detection_rate", self.detection_rate),
            ("other_seizure_rate", self.other_seizure_rate),
            ("watchlist_coverage", self.watchlist_coverage),
            ("corrupt_share", self.corrupt_share),
        ];
        for (name, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err(SimError::Config(format!(
                    "{name} = {v} is not a share between 0 and 1"
                )));
            }
        }
        if self.legit_gift_share + self.legit_generic_share + self.legit_lookalike_share > 1.0 {
            return Err(SimError::Config(
                "legit_gift_share + legit_generic_share + legit_lookalike_share exceed 1".into(),
            ));
        }
        if !(0.0..=10.0).contains(&self.watchlist_noise_share) {
            return Err(SimError::Config(
                "watchlist_noise_share must be between 0 and 10".into(),
            ));
        }
        if !(self.consumers_per_shipment > 0.0 && self.consumers_per_shipment <= 10.0) {
            return Err(SimError::Config(
                "consumers_per_shipment must be above 0 and at most 10".into(),
            ));
        }
        if self.legit_sellers_per_1k_shipments.is_nan()
            || self.legit_sellers_per_1k_shipments <= 0.0
        {
            return Err(SimError::Config(
                "legit_sellers_per_1k_shipments must be above 0".into(),
            ));
        }
        if self.shipments == 0 {
            return Err(SimError::Config("shipments must be at least 1".into()));
        }
        if self.weeks == 0 || self.weeks > 520 {
            return Err(SimError::Config("weeks must be between 1 and 520".into()));
        }
        if self.brands == 0 || self.brands > crate::data::BRANDS.len() {
            return Err(SimError::Config(format!(
                "brands must be between 1 and {}",
                crate::data::BRANDS.len()
            )));
        }
        if self.shipments_per_network == 0 {
            return Err(SimError::Config(
                "shipments_per_network must be at least 1".into(),
            ));
        }
        if self.network_members_min == 0 || self.network_members_min > self.network_members_max {
            return Err(SimError::Config(
                "network_members_min must be at least 1 and at most network_members_max".into(),
            ));
        }
        if self.network_accounts_min < 2 || self.network_accounts_min > self.network_accounts_max {
            return Err(SimError::Config(
                "network_accounts_min must be at least 2 (one per marketplace) and at most network_accounts_max"
                    .into(),
            ));
        }
        if self.network_drops_max == 0 || self.authorised_per_brand == 0 {
            return Err(SimError::Config(
                "network_drops_max and authorised_per_brand must be at least 1".into(),
            ));
        }
        if self.listings_per_account == 0 {
            return Err(SimError::Config(
                "listings_per_account must be at least 1".into(),
            ));
        }
        self.start()?;
        Ok(())
    }

    pub(crate) fn start(&self) -> Result<chrono::NaiveDate, SimError> {
        chrono::NaiveDate::parse_from_str(&self.start_date, "%Y-%m-%d").map_err(|e| {
            SimError::Config(format!(
                "start_date {:?} is not an ISO date: {e}",
                self.start_date
            ))
        })
    }

    /// Number of counterfeit networks in this world.
    pub fn networks(&self) -> usize {
        self.shipments.div_ceil(self.shipments_per_network).max(2)
    }

    /// Number of honest sellers in this world.
    pub fn legit_sellers(&self) -> usize {
        ((self.shipments as f64 * self.legit_sellers_per_1k_shipments / 1000.0).ceil() as usize)
            .max(40)
    }

    /// Size of the consumer pool.
    pub fn consumers(&self) -> usize {
        ((self.shipments as f64 * self.consumers_per_shipment).ceil() as usize).max(10)
    }
}
