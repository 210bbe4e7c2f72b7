//! Analyst rule packs written in CEL, the Common Expression Language.
//!
//! A rule pack is a versioned TOML document holding a list of rules. Each rule
//! is a CEL condition over the facts of one shipment or listing, a weight in
//! log-odds points added when the condition holds, and a reason shown to
//! people, with `{variable}` placeholders filled from the facts.
//!
//! CEL has no loops other than its bounded macros (`all`, `exists`,
//! `exists_one`, `map`, `filter`) over finite lists, and no recursion, so a
//! rule always terminates.
//!
//! Every problem that can be found before any record is seen is reported when
//! the pack is loaded: TOML errors, CEL syntax errors, variables and
//! placeholders outside the declared vocabulary, duplicate rule names and
//! unreasonable weights. What remains for run time is a fact missing on a
//! record or a value of the wrong type; such a rule does not fire and the
//! error is handed back next to the rules that did.

use std::fmt;
use std::sync::{Arc, OnceLock};

use cel::common::ast::{EntryExpr, Expr};
use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelString};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, Env, IdedExpr, Program, Value};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

/// The largest weight, in absolute value, a rule may carry.
pub const MAX_WEIGHT: f64 = 20.0;

/// The variables the facts of a shipment or a listing carry, each with a
/// one-line description. Rules are checked against this list when loaded.
pub const VOCABULARY: &[(&str, &str)] = &[
    ("kind", "string: \"shipment\" or \"listing\""),
    ("org", "string: the organisation the record belongs to"),
    (
        "brands",
        "list of strings: brand names detected on the record",
    ),
    ("brand_mark", "bool: a genuine brand mark appears"),
    (
        "brand_lookalike",
        "bool: a look-alike spelling of a brand appears",
    ),
    (
        "below_floor",
        "bool: the declared or asked unit value is below the brand floor",
    ),
    (
        "floor_ratio",
        "float: declared or asked unit value over the brand floor, 1.0 when no brand",
    ),
    ("unit_value_usd", "float: unit value in US dollars"),
    ("total_value_usd", "float: total value in US dollars"),
    (
        "hs_mismatch",
        "bool: the HS code does not fit the goods description",
    ),
    (
        "generic_description",
        "bool: the goods description is generic (\"gifts\", \"accessories\")",
    ),
    (
        "origin_country",
        "string: country of origin, \"\" when unknown",
    ),
    ("export_country", "string: country of export"),
    ("lane", "string: export and import country, e.g. \"CN-GB\""),
    (
        "origin_not_genuine",
        "bool: the brands detected are not made in the origin country",
    ),
    (
        "lane_not_genuine",
        "bool: the brands detected do not ship genuine goods on this lane",
    ),
    (
        "unauthorised_seller",
        "bool: the seller is not an authorised seller of the brand",
    ),
    (
        "actor_seizures",
        "int: seizures of linked actors before this record",
    ),
    (
        "actor_suspensions",
        "int: marketplace suspensions of linked actors before this record",
    ),
    (
        "actor_fake_test_buys",
        "int: test buys from linked actors found fake before this record",
    ),
    ("watchlisted", "bool: a linked actor is on a watch list"),
    ("graph_risk", "float: risk from the actor graph, 0 to 1"),
    (
        "account_age_days",
        "int: age of the seller account in days, -1 when unknown",
    ),
    (
        "listings_last_7d",
        "int: listings by the seller in the last 7 days",
    ),
    ("quantity", "int: total units"),
    ("port", "string: port of entry"),
    ("marketplace", "string: marketplace of the listing"),
];

const DEFAULT_PACK: &str = r#"name = "default"
version = 2
description = "Baseline counterfeit targeting: combinations of signals that together say more than each alone (the model already weighs every signal by itself)."

[[rule]]
name = "lookalike-from-non-genuine-origin"
when = "brand_lookalike && origin_not_genuine"
weight = 1.2
reason = "look-alike spelling of {brands} from {export_country}, where the brand does not make goods"
applies_to = "any"

[[rule]]
name = "genuine-mark-far-below-floor"
when = "brand_mark && floor_ratio < 0.3 && origin_not_genuine"
weight = 1.6
reason = "{brands} at {floor_ratio} of the brand floor, from {origin_country} where the brand does not make goods"
applies_to = "any"

[[rule]]
name = "generic-goods-cheap-from-hotspot"
when = 'generic_description && export_country in ["CN", "HK", "TR"] && unit_value_usd < 20.0'
weight = 0.7
reason = "generic description from {export_country} at {unit_value_usd} USD a unit"
applies_to = "shipment"

[[rule]]
name = "hs-code-mismatch-with-brand"
when = "hs_mismatch && size(brands) > 0"
weight = 1.0
reason = "HS code does not fit the description of {brands} goods"
applies_to = "shipment"

[[rule]]
name = "unauthorised-seller-of-mark"
when = "unauthorised_seller && brand_mark"
weight = 0.9
reason = "{brands} offered by a seller the brand has not authorised"
applies_to = "listing"

[[rule]]
name = "watchlisted-with-brand"
when = "watchlisted && size(brands) > 0"
weight = 1.0
reason = "{brands} goods tied to an actor on a watch list"
applies_to = "any"

[[rule]]
name = "repeat-seizures-cheap-goods"
when = "actor_seizures >= 2 && unit_value_usd < 30.0"
weight = 0.8
reason = "linked actors had {actor_seizures} earlier seizures, and this declares {unit_value_usd} USD a unit"
applies_to = "shipment"

[[rule]]
name = "branded-goods-from-fake-sellers"
when = "actor_fake_test_buys >= 1 && size(brands) > 0"
weight = 0.8
reason = "{brands} goods from actors with fake listings or test buys ({actor_fake_test_buys})"
applies_to = "any"

[[rule]]
name = "new-account-burst"
when = "account_age_days >= 0 && account_age_days < 14 && listings_last_7d >= 20"
weight = 1.0
reason = "account {account_age_days} days old with {listings_last_7d} listings in 7 days"
applies_to = "listing"

[[rule]]
name = "bulk-near-counterfeiters"
when = "graph_risk >= 0.5 && quantity >= 5"
weight = 0.6
reason = "bulk consignment ({quantity} units) close to known counterfeiters"
applies_to = "shipment"
"#;

/// The default rule pack for counterfeit targeting, written against
/// [`VOCABULARY`].
pub fn default_pack_toml() -> &'static str {
    DEFAULT_PACK
}

/// One record's facts, the variables a rule can read.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<String>),
}

impl Fact {
    /// The value as a CEL value borrowing from the fact.
    fn to_val(&self) -> CowVal<'_, '_> {
        match self {
            Fact::Bool(b) => CowVal::owned(CelBool::from(*b)),
            Fact::Int(i) => CowVal::owned(CelInt::from(*i)),
            Fact::Float(f) => CowVal::owned(CelDouble::from(*f)),
            Fact::Str(s) => CowVal::owned(CelString::from(s.as_str())),
            Fact::List(items) => {
                let items: Vec<Box<dyn Val + '_>> = items
                    .iter()
                    .map(|s| Box::new(CelString::from(s.as_str())) as Box<dyn Val + '_>)
                    .collect();
                CowVal::owned(CelList::from(items))
            }
        }
    }
}

/// Formats the value for people: floats with 2 decimals, lists joined by
/// ", ", bools as yes/no, an empty string as "unknown", an empty list as
/// "none".
impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Bool(true) => f.write_str("yes"),
            Fact::Bool(false) => f.write_str("no"),
            Fact::Int(i) => write!(f, "{i}"),
            Fact::Float(x) => write!(f, "{x:.2}"),
            Fact::Str(s) if s.is_empty() => f.write_str("unknown"),
            Fact::Str(s) => f.write_str(s),
            Fact::List(items) if items.is_empty() => f.write_str("none"),
            Fact::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(item)?;
                }
                Ok(())
            }
        }
    }
}

impl From<bool> for Fact {
    fn from(v: bool) -> Self {
        Fact::Bool(v)
    }
}

impl From<i64> for Fact {
    fn from(v: i64) -> Self {
        Fact::Int(v)
    }
}

impl From<f64> for Fact {
    fn from(v: f64) -> Self {
        Fact::Float(v)
    }
}

impl From<&str> for Fact {
    fn from(v: &str) -> Self {
        Fact::Str(v.to_owned())
    }
}

impl From<String> for Fact {
    fn from(v: String) -> Self {
        Fact::Str(v)
    }
}

impl From<Vec<String>> for Fact {
    fn from(v: Vec<String>) -> Self {
        Fact::List(v)
    }
}

/// Which records a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Shipment,
    Listing,
    #[default]
    Any,
}

impl Target {
    /// Whether a rule for `self` is evaluated on a record of `record`: a rule
    /// for any record applies to all, and a record of kind `Any` is checked
    /// against every rule.
    pub fn covers(self, record: Target) -> bool {
        self == Target::Any || record == Target::Any || self == record
    }
}

/// The facts of one shipment or listing, by variable name, in the order they
/// were first set.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    entries: Vec<(std::borrow::Cow<'static, str>, Fact)>,
}

impl Facts {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Facts {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn set(&mut self, name: &str, value: Fact) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.entries.push((name.to_owned().into(), value)),
        }
    }

    /// Sets a fact of a fixed name, like [`Facts::set`] without copying the name.
    pub fn put(&mut self, name: &'static str, value: Fact) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.entries.push((name.into(), value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Fact> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Fact)> {
        self.entries.iter().map(|(n, v)| (n.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every fact, keeping the allocation for the next record.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Hands the facts to the CEL interpreter without copying their strings.
struct FactResolver<'f>(&'f Facts);

impl VariableResolver for FactResolver<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        self.0.get(variable).map(Fact::to_val)
    }
}

fn default_true() -> bool {
    true
}

/// One rule as written in a pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub name: String,
    /// The CEL condition; the rule fires when it is `true`.
    pub when: String,
    /// Log-odds points the rule adds when it fires; may be negative.
    pub weight: f64,
    /// Shown to people; `{variable}` is replaced by the fact, `{{` and `}}`
    /// stand for `{` and `}`.
    pub reason: String,
    #[serde(default = "default_true")]
    pub enabled: bool,
    #[serde(default)]
    pub applies_to: Target,
}

/// A rule pack as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePackSpec {
    pub name: String,
    pub version: u32,
    #[serde(default)]
    pub description: String,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
}

/// A rule that fired on a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    /// The index of the rule in its pack.
    pub rule: usize,
    pub name: String,
    pub weight: f64,
    /// The reason with its placeholders filled from the facts.
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("rule pack is not valid: {message}")]
    Toml { message: String },
    #[error("rule '{rule}' does not compile: {message}")]
    Compile { rule: String, message: String },
    #[error("rule '{rule}' reads '{variable}', which is not in the vocabulary")]
    UnknownVariable { rule: String, variable: String },
    #[error("rule '{rule}' has reason placeholder '{placeholder}', which is not in the vocabulary")]
    UnknownPlaceholder { rule: String, placeholder: String },
    #[error("rule '{rule}' appears more than once in the pack")]
    Duplicate { rule: String },
    #[error("rule '{rule}' failed: {message}")]
    Eval { rule: String, message: String },
    #[error("rule '{rule}' has a weight that is not a finite number within ±{MAX_WEIGHT}")]
    BadWeight { rule: String },
}

/// A piece of a reason template.
#[derive(Debug, Clone)]
enum Segment {
    Text(String),
    Var(String),
}

struct CompiledRule {
    program: Program,
    reason: Vec<Segment>,
    /// Facts the condition requires true: it is `a && b && ...` with these as bare terms. When
    /// one is false the rule cannot fire (CEL's `&&` is false with any false operand, whatever
    /// the others give), so the interpreter is not run.
    guards: Vec<String>,
}

/// The bare boolean identifiers among the top-level conjuncts of `e`.
fn conjunct_guards(e: &IdedExpr, out: &mut Vec<String>) {
    match &e.expr {
        Expr::Ident(name) => out.push(name.clone()),
        Expr::Call(call) if call.func_name == "_&&_" && call.target.is_none() => {
            for a in &call.args {
                conjunct_guards(a, out);
            }
        }
        _ => {}
    }
}

impl CompiledRule {
    /// Whether a guard fact is false on this record.
    fn ruled_out(&self, facts: &Facts) -> bool {
        self.guards
            .iter()
            .any(|g| matches!(facts.get(g), Some(Fact::Bool(false))))
    }
}

/// A compiled pack. Cheap to clone, `Send` and `Sync`: the compiled programs
/// are shared, and every evaluation builds its own short-lived context.
#[derive(Clone)]
pub struct RulePack {
    spec: RulePackSpec,
    rules: Arc<[CompiledRule]>,
    env: Arc<Env>,
    digest: String,
}

impl fmt::Debug for RulePack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RulePack")
            .field("name", &self.spec.name)
            .field("version", &self.spec.version)
            .field("digest", &self.digest)
            .field("rules", &self.spec.rules.len())
            .finish()
    }
}

/// The CEL standard library environment, built once per process.
fn stdlib() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    Arc::clone(ENV.get_or_init(|| Arc::new(Env::stdlib())))
}

/// Identifiers a rule may use besides the vocabulary: CEL type names, as in
/// `type(x) == int`.
const TYPE_NAMES: &[&str] = &[
    "bool",
    "bytes",
    "double",
    "dyn",
    "int",
    "list",
    "map",
    "null_type",
    "string",
    "type",
    "uint",
];

/// Function namespaces a call may be made on, as in `optional.of(x)`.
const NAMESPACES: &[&str] = &["optional", "base64", "math", "strings"];

impl RulePack {
    /// Parses and compiles a pack. `vocabulary` lists the variable names
    /// (with a one-line description each) that facts will carry; a rule
    /// reading anything else is rejected here rather than failing at run time.
    pub fn parse(toml_text: &str, vocabulary: &[(&str, &str)]) -> Result<RulePack, RuleError> {
        let spec: RulePackSpec = toml::from_str(toml_text).map_err(|e| RuleError::Toml {
            message: e.message().to_owned(),
        })?;
        Self::from_spec(spec, vocabulary)
    }

    pub fn from_spec(
        spec: RulePackSpec,
        vocabulary: &[(&str, &str)],
    ) -> Result<RulePack, RuleError> {
        let vocab: FxHashSet<&str> = vocabulary.iter().map(|(name, _)| *name).collect();
        let mut names = FxHashSet::default();
        let mut rules = Vec::with_capacity(spec.rules.len());
        for rule in &spec.rules {
            if !names.insert(rule.name.as_str()) {
                return Err(RuleError::Duplicate {
                    rule: rule.name.clone(),
                });
            }
            if !rule.weight.is_finite() || rule.weight.abs() > MAX_WEIGHT {
                return Err(RuleError::BadWeight {
                    rule: rule.name.clone(),
                });
            }
            let program = compile(&rule.name, &rule.when)?;
            check_variables(&rule.name, program.expression(), &vocab)?;
            let reason = parse_template(&rule.name, &rule.reason, &vocab)?;
            let mut guards = Vec::new();
            conjunct_guards(program.expression(), &mut guards);
            rules.push(CompiledRule {
                program,
                reason,
                guards,
            });
        }
        let digest = blake3::hash(canonical_toml(&spec).as_bytes()).to_hex()[..12].to_owned();
        Ok(RulePack {
            spec,
            rules: rules.into(),
            env: stdlib(),
            digest,
        })
    }

    /// The built-in default pack, checked against [`VOCABULARY`].
    pub fn default_pack() -> Result<RulePack, RuleError> {
        Self::parse(default_pack_toml(), VOCABULARY)
    }

    pub fn spec(&self) -> &RulePackSpec {
        &self.spec
    }

    /// The number of rules, enabled or not.
    pub fn len(&self) -> usize {
        self.spec.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spec.rules.is_empty()
    }

    /// The index of the rule named `name`.
    pub fn rule_index(&self, name: &str) -> Option<usize> {
        self.spec.rules.iter().position(|r| r.name == name)
    }

    /// "name@version#digest", e.g. "uk-customs@3#1a2b3c4d5e6f", stamped on every score: two
    /// packs that differ in anything but formatting never carry the same tag, even when an edit
    /// left the version number alone.
    pub fn version_tag(&self) -> String {
        format!("{}@{}#{}", self.spec.name, self.spec.version, self.digest)
    }

    /// A content hash (blake3 of the canonical TOML, 12 hex digits), telling
    /// apart two different packs with the same version.
    pub fn digest(&self) -> String {
        self.digest.clone()
    }

    /// The enabled rules for `target` that fire on `facts`, in pack order. A
    /// rule whose evaluation fails (a fact missing on this record, a type
    /// mismatch, a result that is not a bool) does not fire and is reported
    /// in the second element.
    pub fn evaluate(&self, target: Target, facts: &Facts) -> (Vec<Fired>, Vec<RuleError>) {
        let resolver = FactResolver(facts);
        let mut ctx = Context::with_env(Arc::clone(&self.env));
        ctx.set_variable_resolver(&resolver);
        let mut fired = Vec::new();
        let mut errors = Vec::new();
        for (i, (spec, rule)) in self.spec.rules.iter().zip(self.rules.iter()).enumerate() {
            if !spec.enabled || !spec.applies_to.covers(target) || rule.ruled_out(facts) {
                continue;
            }
            match run(spec, rule, &ctx) {
                Ok(true) => fired.push(Fired {
                    rule: i,
                    name: spec.name.clone(),
                    weight: spec.weight,
                    reason: render(&rule.reason, facts),
                }),
                Ok(false) => {}
                Err(e) => errors.push(e),
            }
        }
        (fired, errors)
    }

    /// Evaluates the rule at index `rule` on `facts` whether or not it is
    /// enabled and whatever records it applies to, to back-test a rule before
    /// switching it on.
    pub fn evaluate_rule(&self, rule: usize, facts: &Facts) -> Result<bool, RuleError> {
        let (Some(spec), Some(compiled)) = (self.spec.rules.get(rule), self.rules.get(rule)) else {
            return Err(RuleError::Eval {
                rule: format!("#{rule}"),
                message: format!("no such rule, the pack has {}", self.spec.rules.len()),
            });
        };
        let resolver = FactResolver(facts);
        let mut ctx = Context::with_env(Arc::clone(&self.env));
        ctx.set_variable_resolver(&resolver);
        run(spec, compiled, &ctx)
    }

    /// The reason of the rule at index `rule` filled from `facts`.
    pub fn reason(&self, rule: usize, facts: &Facts) -> Option<String> {
        self.rules.get(rule).map(|r| render(&r.reason, facts))
    }

    /// The pack as canonical TOML; parsing it gives the same pack.
    pub fn to_toml(&self) -> String {
        canonical_toml(&self.spec)
    }
}

fn canonical_toml(spec: &RulePackSpec) -> String {
    // Strings, integers, finite floats and bools always serialize.
    toml::to_string(spec).expect("a rule pack spec serializes to TOML")
}

fn compile(rule: &str, source: &str) -> Result<Program, RuleError> {
    // The parser is not expected to panic, but analysts' text is arbitrary
    // input: a panic in it must not take the caller down with it.
    let compiled = std::panic::catch_unwind(|| Program::compile(source));
    match compiled {
        Ok(Ok(program)) => Ok(program),
        Ok(Err(e)) => Err(RuleError::Compile {
            rule: rule.to_owned(),
            message: e.to_string(),
        }),
        Err(_) => Err(RuleError::Compile {
            rule: rule.to_owned(),
            message: "the expression could not be parsed".to_owned(),
        }),
    }
}

fn run(spec: &RuleSpec, rule: &CompiledRule, ctx: &Context<'_, '_>) -> Result<bool, RuleError> {
    match rule.program.execute(ctx) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(RuleError::Eval {
            rule: spec.name.clone(),
            message: format!("the condition gives a {}, not a bool", other.type_of()),
        }),
        Err(e) => Err(RuleError::Eval {
            rule: spec.name.clone(),
            message: e.to_string(),
        }),
    }
}

/// Fails on the first identifier read by `expr` that is neither in the
/// vocabulary nor bound by an enclosing comprehension.
fn check_variables(rule: &str, expr: &IdedExpr, vocab: &FxHashSet<&str>) -> Result<(), RuleError> {
    let mut bound = Vec::new();
    let mut free = Vec::new();
    free_identifiers(expr, vocab, &mut bound, &mut free);
    match free
        .into_iter()
        .find(|name| !vocab.contains(name) && !TYPE_NAMES.contains(name))
    {
        Some(variable) => Err(RuleError::UnknownVariable {
            rule: rule.to_owned(),
            variable: variable.to_owned(),
        }),
        None => Ok(()),
    }
}

fn free_identifiers<'e>(
    e: &'e IdedExpr,
    vocab: &FxHashSet<&str>,
    bound: &mut Vec<&'e str>,
    free: &mut Vec<&'e str>,
) {
    match &e.expr {
        Expr::Unspecified | Expr::Literal(_) => {}
        Expr::Ident(name) => {
            if !name.starts_with('@') && !bound.contains(&name.as_str()) {
                free.push(name);
            }
        }
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                let namespace = match &target.expr {
                    Expr::Ident(n) => {
                        NAMESPACES.contains(&n.as_str())
                            && !vocab.contains(n.as_str())
                            && !bound.contains(&n.as_str())
                    }
                    _ => false,
                };
                if !namespace {
                    free_identifiers(target, vocab, bound, free);
                }
            }
            for arg in &call.args {
                free_identifiers(arg, vocab, bound, free);
            }
        }
        Expr::Comprehension(c) => {
            free_identifiers(&c.iter_range, vocab, bound, free);
            free_identifiers(&c.accu_init, vocab, bound, free);
            let depth = bound.len();
            bound.push(&c.accu_var);
            bound.push(&c.iter_var);
            if let Some(v) = &c.iter_var2 {
                bound.push(v);
            }
            free_identifiers(&c.loop_cond, vocab, bound, free);
            free_identifiers(&c.loop_step, vocab, bound, free);
            free_identifiers(&c.result, vocab, bound, free);
            bound.truncate(depth);
        }
        Expr::List(list) => {
            for element in &list.elements {
                free_identifiers(element, vocab, bound, free);
            }
        }
        Expr::Map(map) => entries(&map.entries, vocab, bound, free),
        Expr::Struct(s) => entries(&s.entries, vocab, bound, free),
        Expr::Select(select) => free_identifiers(&select.operand, vocab, bound, free),
    }
}

fn entries<'e>(
    entries: &'e [cel::common::ast::IdedEntryExpr],
    vocab: &FxHashSet<&str>,
    bound: &mut Vec<&'e str>,
    free: &mut Vec<&'e str>,
) {
    for entry in entries {
        match &entry.expr {
            EntryExpr::StructField(field) => free_identifiers(&field.value, vocab, bound, free),
            EntryExpr::MapEntry(m) => {
                free_identifiers(&m.key, vocab, bound, free);
                free_identifiers(&m.value, vocab, bound, free);
            }
        }
    }
}

/// Splits a reason into text and `{variable}` placeholders, each checked
/// against the vocabulary. `{{` and `}}` stand for `{` and `}`; a `}`
/// without a match is kept as it is.
fn parse_template(
    rule: &str,
    text: &str,
    vocab: &FxHashSet<&str>,
) -> Result<Vec<Segment>, RuleError> {
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        literal.push_str(&rest[..i]);
        let brace = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if brace == b'}' {
            literal.push('}');
            rest = after.strip_prefix('}').unwrap_or(after);
            continue;
        }
        if let Some(after) = after.strip_prefix('{') {
            literal.push('{');
            rest = after;
            continue;
        }
        let Some(end) = after.find('}') else {
            return Err(RuleError::UnknownPlaceholder {
                rule: rule.to_owned(),
                placeholder: after.to_owned(),
            });
        };
        let name = after[..end].trim();
        if !vocab.contains(name) {
            return Err(RuleError::UnknownPlaceholder {
                rule: rule.to_owned(),
                placeholder: name.to_owned(),
            });
        }
        if !literal.is_empty() {
            segments.push(Segment::Text(std::mem::take(&mut literal)));
        }
        segments.push(Segment::Var(name.to_owned()));
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        segments.push(Segment::Text(literal));
    }
    Ok(segments)
}

/// Fills a reason; a fact missing on the record reads "unknown".
fn render(segments: &[Segment], facts: &Facts) -> String {
    use fmt::Write;
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Text(t) => out.push_str(t),
            Segment::Var(name) => match facts.get(name) {
                Some(fact) => {
                    let _ = write!(out, "{fact}");
                }
                None => out.push_str("unknown"),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VOCAB: &[(&str, &str)] = &[
        ("brand_lookalike", "bool"),
        ("brand_mark", "bool"),
        ("export_country", "string"),
        ("brands", "list"),
        ("floor_ratio", "float"),
        ("quantity", "int"),
        ("kind", "string"),
    ];

    const PACK: &str = r#"
name = "uk-customs"
version = 3
description = "test pack"

[[rule]]
name = "lookalike-mark-risky-origin"
when = 'brand_lookalike && export_country in ["CN", "HK", "TR"]'
weight = 1.5
reason = "look-alike spelling of {brands} from {export_country}"

[[rule]]
name = "cheap-mark"
when = "brand_mark && floor_ratio < 0.3"
weight = 2.0
reason = "mark at {floor_ratio} of the floor ({brand_mark}), {{literal}}"
applies_to = "shipment"

[[rule]]
name = "bulk-listing"
when = "quantity >= 100"
weight = -0.5
reason = "{quantity} units"
applies_to = "listing"

[[rule]]
name = "switched-off"
when = "quantity > 0"
weight = 0.5
reason = "off"
enabled = false
"#;

    fn facts() -> Facts {
        let mut f = Facts::new();
        f.set("brand_lookalike", Fact::Bool(true));
        f.set("brand_mark", Fact::Bool(true));
        f.set("export_country", "CN".into());
        f.set("brands", Fact::List(vec!["Nike".into(), "Adidas".into()]));
        f.set("floor_ratio", Fact::Float(0.123));
        f.set("quantity", Fact::Int(500));
        f.set("kind", "shipment".into());
        f
    }

    fn pack() -> RulePack {
        RulePack::parse(PACK, VOCAB).unwrap()
    }

    fn one_rule(when: &str, reason: &str) -> String {
        format!(
            "name = \"p\"\nversion = 1\n[[rule]]\nname = \"r1\"\nwhen = '{when}'\nweight = 1.0\nreason = \"{reason}\"\n"
        )
    }

    fn names(fired: &[Fired]) -> Vec<&str> {
        fired.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn parse_and_evaluate_fires_and_does_not_fire() {
        let pack = pack();
        assert_eq!(pack.len(), 4);
        let (fired, errors) = pack.evaluate(Target::Shipment, &facts());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(names(&fired), ["lookalike-mark-risky-origin", "cheap-mark"]);
        assert_eq!(fired[0].rule, 0);
        assert_eq!(fired[0].weight, 1.5);
        assert_eq!(fired[1].rule, 1);

        let mut f = facts();
        f.set("export_country", "DE".into());
        f.set("floor_ratio", Fact::Float(0.9));
        let (fired, errors) = pack.evaluate(Target::Shipment, &f);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(fired.is_empty());
    }

    #[test]
    fn applies_to_filters_rules() {
        let pack = pack();
        let (fired, _) = pack.evaluate(Target::Listing, &facts());
        assert_eq!(
            names(&fired),
            ["lookalike-mark-risky-origin", "bulk-listing"]
        );
        assert_eq!(fired[1].weight, -0.5);
        let (fired, _) = pack.evaluate(Target::Any, &facts());
        assert_eq!(
            names(&fired),
            ["lookalike-mark-risky-origin", "cheap-mark", "bulk-listing"]
        );
    }

    #[test]
    fn disabled_rules_only_run_through_evaluate_rule() {
        let pack = pack();
        let (fired, _) = pack.evaluate(Target::Any, &facts());
        assert!(!names(&fired).contains(&"switched-off"));
        let index = pack.rule_index("switched-off").unwrap();
        assert_eq!(index, 3);
        assert!(pack.evaluate_rule(index, &facts()).unwrap());
        let mut f = facts();
        f.set("quantity", Fact::Int(0));
        assert!(!pack.evaluate_rule(index, &f).unwrap());
        assert!(matches!(
            pack.evaluate_rule(99, &facts()),
            Err(RuleError::Eval { .. })
        ));
    }

    #[test]
    fn reason_placeholders_are_filled() {
        let pack = pack();
        let (fired, _) = pack.evaluate(Target::Shipment, &facts());
        assert_eq!(
            fired[0].reason,
            "look-alike spelling of Nike, Adidas from CN"
        );
        assert_eq!(
            fired[1].reason,
            "mark at 0.12 of the floor (yes), {literal}"
        );
        let mut f = facts();
        f.set("brand_mark", Fact::Bool(false));
        assert_eq!(
            pack.reason(1, &f).unwrap(),
            "mark at 0.12 of the floor (no), {literal}"
        );
        let mut missing = Facts::new();
        missing.set("quantity", Fact::Int(7));
        assert_eq!(pack.reason(2, &missing).unwrap(), "7 units");
        assert_eq!(
            pack.reason(0, &missing).unwrap(),
            "look-alike spelling of unknown from unknown"
        );
        assert_eq!(Fact::List(vec![]).to_string(), "none");
        assert_eq!(Fact::Float(2.0).to_string(), "2.00");
    }

    #[test]
    fn template_escapes_and_stray_braces() {
        let vocab: FxHashSet<&str> = ["a"].into_iter().collect();
        let render_of = |t: &str| {
            let segs = parse_template("r", t, &vocab).unwrap();
            let mut f = Facts::new();
            f.set("a", Fact::Int(1));
            render(&segs, &f)
        };
        assert_eq!(render_of("{{a}} {a} }} } x"), "{a} 1 } } x");
        assert_eq!(render_of("{ a }"), "1");
        assert_eq!(render_of(""), "");
        assert!(matches!(
            parse_template("r", "open {a", &vocab),
            Err(RuleError::UnknownPlaceholder { .. })
        ));
        assert!(matches!(
            parse_template("r", "{}", &vocab),
            Err(RuleError::UnknownPlaceholder { .. })
        ));
    }

    fn load_err(text: &str) -> RuleError {
        RulePack::parse(text, VOCAB).unwrap_err()
    }

    #[test]
    fn toml_errors() {
        let e = load_err("name = \"p\"\nversion = [");
        assert!(matches!(e, RuleError::Toml { .. }), "{e}");
        let e = load_err("name = \"p\"\n");
        assert!(matches!(e, RuleError::Toml { .. }), "{e}");
        assert!(e.to_string().contains("version"), "{e}");
        let e = load_err(&one_rule("true", "x").replace("weight", "wieght"));
        assert!(matches!(e, RuleError::Toml { .. }), "{e}");
        let e = load_err(&(one_rule("true", "x") + "applies_to = \"ships\"\n"));
        assert!(matches!(e, RuleError::Toml { .. }), "{e}");
    }

    #[test]
    fn compile_error_names_the_rule() {
        let e = load_err(&one_rule("brand_mark && (", "x"));
        assert!(
            matches!(&e, RuleError::Compile { rule, .. } if rule == "r1"),
            "{e}"
        );
        assert!(e.to_string().contains("r1"));
        let e = load_err(&one_rule("", "x"));
        assert!(
            matches!(&e, RuleError::Compile { rule, .. } if rule == "r1"),
            "{e}"
        );
    }

    #[test]
    fn unknown_variable_names_the_rule() {
        let e = load_err(&one_rule("brand_mark && seized_before", "x"));
        match &e {
            RuleError::UnknownVariable { rule, variable } => {
                assert_eq!(rule, "r1");
                assert_eq!(variable, "seized_before");
            }
            other => panic!("{other}"),
        }
        assert!(e.to_string().contains("r1") && e.to_string().contains("seized_before"));
        // a field selected on an unknown root is reported by its root
        let e = load_err(&one_rule("shipment.value > 1", "x"));
        assert!(
            matches!(&e, RuleError::UnknownVariable { variable, .. } if variable == "shipment")
        );
        // inside a comprehension body, outer unknowns are still caught
        let e = load_err(&one_rule("brands.exists(b, b == other)", "x"));
        assert!(matches!(&e, RuleError::UnknownVariable { variable, .. } if variable == "other"));
        // but a comprehension variable used outside its comprehension is not bound
        let e = load_err(&one_rule("brands.exists(b, true) && b == \"x\"", "x"));
        assert!(matches!(&e, RuleError::UnknownVariable { variable, .. } if variable == "b"));
    }

    #[test]
    fn unknown_placeholder_names_the_rule() {
        let e = load_err(&one_rule("true", "seen at {port}"));
        assert!(
            matches!(&e, RuleError::UnknownPlaceholder { rule, placeholder } if rule == "r1" && placeholder == "port"),
            "{e}"
        );
        assert!(e.to_string().contains("r1"));
    }

    #[test]
    fn duplicate_rule_names() {
        let text = one_rule("true", "x")
            + "[[rule]]\nname = \"r1\"\nwhen = \"false\"\nweight = 1.0\nreason = \"y\"\n";
        let e = load_err(&text);
        assert!(
            matches!(&e, RuleError::Duplicate { rule } if rule == "r1"),
            "{e}"
        );
        assert!(e.to_string().contains("r1"));
    }

    #[test]
    fn bad_weights() {
        for w in ["nan", "inf", "-inf", "20.5", "-100.0"] {
            let e =
                load_err(&one_rule("true", "x").replace("weight = 1.0", &format!("weight = {w}")));
            assert!(
                matches!(&e, RuleError::BadWeight { rule } if rule == "r1"),
                "{w}: {e}"
            );
            assert!(e.to_string().contains("r1"));
        }
        let ok = one_rule("true", "x").replace("weight = 1.0", "weight = -20.0");
        assert!(RulePack::parse(&ok, VOCAB).is_ok());
    }

    #[test]
    fn run_time_errors_do_not_fire_and_are_reported() {
        let text = one_rule("quantity > 10", "x")
            + "[[rule]]\nname = \"type-mismatch\"\nwhen = 'export_country > 3'\nweight = 1.0\nreason = \"y\"\n"
            + "[[rule]]\nname = \"not-bool\"\nwhen = 'export_country + \"!\"'\nweight = 1.0\nreason = \"y\"\n"
            + "[[rule]]\nname = \"fires\"\nwhen = 'brand_mark'\nweight = 1.0\nreason = \"z\"\n";
        let pack = RulePack::parse(&text, VOCAB).unwrap();
        let mut f = Facts::new();
        f.set("export_country", "CN".into());
        f.set("brand_mark", Fact::Bool(true));
        // `quantity` is missing on this record
        let (fired, errors) = pack.evaluate(Target::Shipment, &f);
        assert_eq!(names(&fired), ["fires"]);
        assert_eq!(errors.len(), 3, "{errors:?}");
        let failed: Vec<&str> = errors
            .iter()
            .map(|e| match e {
                RuleError::Eval { rule, .. } => rule.as_str(),
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(failed, ["r1", "type-mismatch", "not-bool"]);
        assert!(errors[0].to_string().contains("quantity"), "{}", errors[0]);
        assert!(
            errors[2].to_string().contains("not a bool"),
            "{}",
            errors[2]
        );
        assert!(pack.evaluate_rule(0, &f).is_err());
    }

    #[test]
    fn version_tag_and_digest() {
        let a = pack();
        assert_eq!(a.version_tag(), format!("uk-customs@3#{}", a.digest()));
        assert_eq!(a.digest().len(), 12);
        assert!(a.digest().chars().all(|c| c.is_ascii_hexdigit()));
        // formatting and comments do not change the digest
        let reformatted = PACK.replace("weight = 1.5", "weight   =   1.5 # points");
        assert_eq!(
            RulePack::parse(&reformatted, VOCAB).unwrap().digest(),
            a.digest()
        );
        // content does, even under the same version, and so does the tag scores carry
        let b = RulePack::parse(&PACK.replace("weight = 1.5", "weight = 1.6"), VOCAB).unwrap();
        assert_ne!(b.version_tag(), a.version_tag());
        assert!(b.version_tag().starts_with("uk-customs@3#"));
        assert_ne!(b.digest(), a.digest());
        let c = RulePack::parse(&PACK.replace("version = 3", "version = 4"), VOCAB).unwrap();
        assert!(c.version_tag().starts_with("uk-customs@4#"));
        assert_ne!(c.digest(), a.digest());
    }

    #[test]
    fn to_toml_round_trips() {
        let a = pack();
        let text = a.to_toml();
        assert!(text.contains("[[rule]]"), "{text}");
        let b = RulePack::parse(&text, VOCAB).unwrap();
        assert_eq!(a.spec(), b.spec());
        assert_eq!(a.digest(), b.digest());
        assert!(!b.spec().rules[3].enabled);
        assert_eq!(b.spec().rules[2].applies_to, Target::Listing);
        assert_eq!(b.spec().rules[0].applies_to, Target::Any);
    }

    #[test]
    fn default_pack_parses_against_the_vocabulary() {
        let pack = RulePack::default_pack().unwrap();
        assert!(pack.version_tag().starts_with("default@2#"));
        assert!((6..=10).contains(&pack.len()));
        for rule in &pack.spec().rules {
            assert!((0.5..=2.0).contains(&rule.weight), "{}", rule.name);
        }
        let mut f = Facts::new();
        f.set("kind", "shipment".into());
        f.set("org", "ukbf".into());
        f.set("brands", Fact::List(vec!["Nike".into()]));
        f.set("brand_mark", Fact::Bool(true));
        f.set("brand_lookalike", Fact::Bool(false));
        f.set("below_floor", Fact::Bool(true));
        f.set("floor_ratio", Fact::Float(0.1));
        f.set("unit_value_usd", Fact::Float(4.0));
        f.set("total_value_usd", Fact::Float(400.0));
        f.set("hs_mismatch", Fact::Bool(false));
        f.set("generic_description", Fact::Bool(true));
        f.set("origin_country", "CN".into());
        f.set("export_country", "HK".into());
        f.set("lane", "HK-GB".into());
        f.set("origin_not_genuine", Fact::Bool(true));
        f.set("lane_not_genuine", Fact::Bool(true));
        f.set("unauthorised_seller", Fact::Bool(false));
        f.set("actor_seizures", Fact::Int(3));
        f.set("actor_suspensions", Fact::Int(0));
        f.set("actor_fake_test_buys", Fact::Int(0));
        f.set("watchlisted", Fact::Bool(false));
        f.set("graph_risk", Fact::Float(0.2));
        f.set("account_age_days", Fact::Int(-1));
        f.set("listings_last_7d", Fact::Int(0));
        f.set("quantity", Fact::Int(100));
        f.set("port", "Felixstowe".into());
        f.set("marketplace", "".into());
        assert_eq!(f.len(), VOCABULARY.len());
        let (fired, errors) = pack.evaluate(Target::Shipment, &f);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            names(&fired),
            [
                "genuine-mark-far-below-floor",
                "generic-goods-cheap-from-hotspot",
                "repeat-seizures-cheap-goods"
            ]
        );
        assert_eq!(
            fired[0].reason,
            "Nike at 0.10 of the brand floor, from CN where the brand does not make goods"
        );
        // every rule runs cleanly on a full record of either kind
        f.set("kind", "listing".into());
        let (_, errors) = pack.evaluate(Target::Any, &f);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn comprehensions_and_type_names_are_not_unknown_variables() {
        let text = one_rule(
            "[1, 2, 3].all(x, x > 0) && brands.exists(b, b == \"Nike\")",
            "x",
        ) + "[[rule]]\nname = \"r2\"\nwhen = 'brands.map(b, size(b)).filter(n, n > 3).exists_one(n, n == 4) && type(quantity) == int'\nweight = 1.0\nreason = \"y\"\n"
            + "[[rule]]\nname = \"r3\"\nwhen = 'has({\"a\": quantity}.a) && [[1, 2], [3]].exists(l, l.all(y, y < quantity))'\nweight = 1.0\nreason = \"y\"\n";
        let pack = RulePack::parse(&text, VOCAB).unwrap();
        let (fired, errors) = pack.evaluate(Target::Any, &facts());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(names(&fired), ["r1", "r2", "r3"]);
    }

    #[test]
    fn skipping_rules_a_false_fact_rules_out_changes_nothing() {
        let pack = RulePack::default_pack().unwrap();
        let bools = [
            "brand_lookalike",
            "origin_not_genuine",
            "brand_mark",
            "generic_description",
            "hs_mismatch",
            "watchlisted",
        ];
        for mask in 0..(1u32 << bools.len()) {
            let mut f = Facts::new();
            for (i, b) in bools.iter().enumerate() {
                f.set(b, Fact::Bool(mask & (1 << i) != 0));
            }
            f.set("brands", Fact::List(vec!["Nike".into()]));
            f.set("floor_ratio", Fact::Float(0.1));
            f.set("export_country", "CN".into());
            f.set("unit_value_usd", Fact::Float(5.0));
            let (fired, _) = pack.evaluate(Target::Shipment, &f);
            let expected: Vec<usize> = (0..pack.len())
                .filter(|&r| {
                    let spec = &pack.spec().rules[r];
                    spec.applies_to.covers(Target::Shipment)
                        && pack.evaluate_rule(r, &f).unwrap_or(false)
                })
                .collect();
            let got: Vec<usize> = fired.iter().map(|x| x.rule).collect();
            assert_eq!(got, expected, "mask {mask:b}");
        }
    }

    #[test]
    fn pack_is_send_sync_and_usable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RulePack>();
        use rayon::prelude::*;
        let pack = RulePack::default_pack().unwrap();
        let mut f = Facts::new();
        f.set("brand_lookalike", Fact::Bool(true));
        f.set("origin_not_genuine", Fact::Bool(true));
        f.set("brands", Fact::List(vec!["Nike".into()]));
        let total: usize = (0..64)
            .into_par_iter()
            .map(|_| pack.evaluate(Target::Shipment, &f).0.len())
            .sum();
        assert_eq!(total, 64);
    }

    #[test]
    fn facts_set_replaces_and_keeps_order() {
        let mut f = Facts::new();
        f.set("a", Fact::Int(1));
        f.set("b", Fact::Bool(true));
        f.set("a", Fact::Int(2));
        assert_eq!(f.get("a"), Some(&Fact::Int(2)));
        assert_eq!(f.get("c"), None);
        let order: Vec<&str> = f.iter().map(|(n, _)| n).collect();
        assert_eq!(order, ["a", "b"]);
        f.clear();
        assert!(f.is_empty());
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_cel_ish_input(
            when in r#"[a-z_ ()\[\]{}<>=!&|+\-*/%?:.,'"0-9\\]{0,48}"#,
            reason in r"[a-z {}]{0,16}",
        ) {
            let spec = RulePackSpec {
                name: "p".into(),
                version: 1,
                description: String::new(),
                rules: vec![RuleSpec {
                    name: "r".into(),
                    when: when.clone(),
                    weight: 1.0,
                    reason,
                    enabled: true,
                    applies_to: Target::Any,
                }],
            };
            let text = toml::to_string(&spec).unwrap();
            if let Ok(pack) = RulePack::parse(&text, VOCAB) {
                let _ = pack.evaluate(Target::Any, &facts());
            }
            let _ = RulePack::parse(&when, VOCAB);
        }

        #[test]
        fn parse_never_panics_on_any_text(text in r"\PC{0,64}") {
            let _ = RulePack::parse(&text, VOCAB);
            let _ = RulePack::parse(&one_rule(&text.replace('\'', ""), "x"), VOCAB);
        }
    }
}
