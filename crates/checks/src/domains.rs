//! API Gateway custom domain names of one region, as clients reach them.
//!
//! AWS keeps one set of custom domains for REST (v1) and HTTP (v2) APIs:
//! "You can map HTTP and REST API stages to the same custom domain name"
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html>,
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html>).
//! The snapshot keeps what each API said (`apigateway.domain_names` with
//! their base path mappings, `apigatewayv2.domain_names` with their API
//! mappings); here they are one list by name, a domain's mappings the
//! union of both. A mapping sends the domain's requests under its key to
//! one API stage (every stage, for a REST mapping without one).

use std::collections::BTreeMap;

use foldhash::HashMap;

use rampart_model::{ApiMapping, CollectionError, DomainName, RegionInventory, Snapshot};

/// The operations behind the domain lists and their mappings.
pub const LIST_V1: &str = "apigateway:GetDomainNames";
pub const LIST_V2: &str = "apigatewayv2:GetDomainNames";
pub const MAPPINGS_V1: &str = "apigateway:GetBasePathMappings";
pub const MAPPINGS_V2: &str = "apigatewayv2:GetApiMappings";

/// One custom domain, as v1, v2 or both listed it.
#[derive(Debug, Clone, Copy)]
pub struct Domain<'s> {
    pub name: &'s str,
    pub v1: Option<&'s DomainName>,
    pub v2: Option<&'s DomainName>,
}

impl<'s> Domain<'s> {
    /// The v1 description where there is one (it names edge and Regional
    /// certificates apart), else the v2 one.
    pub fn described(&self) -> &'s DomainName {
        self.v1.or(self.v2).expect("a domain is listed by v1 or v2")
    }

    /// The operations whose answer this domain's mappings lack (empty when
    /// every listing that named the domain gave its mappings).
    pub fn mappings_missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.v1.is_some_and(|d| d.api_mappings.is_none()) {
            out.push(MAPPINGS_V1);
        }
        if self.v2.is_some_and(|d| d.api_mappings.is_none()) {
            out.push(MAPPINGS_V2);
        }
        out
    }

    /// Every known mapping (both listings), without repeats.
    pub fn mappings(&self) -> impl Iterator<Item = &'s ApiMapping> + '_ {
        let v1 = self
            .v1
            .and_then(|d| d.api_mappings.as_deref())
            .unwrap_or(&[]);
        let v2 = self
            .v2
            .and_then(|d| d.api_mappings.as_deref())
            .unwrap_or(&[]);
        v1.iter().chain(v2.iter().filter(move |m| !v1.contains(m)))
    }
}

/// A region's custom domains.
#[derive(Debug, Default)]
pub struct Domains<'s> {
    pub list: Vec<Domain<'s>>,
    /// The domain listings that are missing in this region (their
    /// operation failed, or the snapshot predates them): a domain may
    /// exist that no list shows.
    pub unlisted: Vec<&'static str>,
    /// API id -> (index in `list`, mapping), in `list` order: the paths
    /// ask per stage and method, so the lookup must not walk every domain.
    by_api: HashMap<&'s str, Vec<(usize, &'s ApiMapping)>>,
}

impl<'s> Domains<'s> {
    pub fn of(snapshot: &'s Snapshot, region: &str, inv: &'s RegionInventory) -> Domains<'s> {
        Domains::with_errors(&snapshot.collection_errors, region, inv)
    }

    /// As [`Domains::of`], from the snapshot's collection errors.
    pub fn with_errors(
        errors: &[CollectionError],
        region: &str,
        inv: &'s RegionInventory,
    ) -> Domains<'s> {
        let failed = |op: &str| {
            errors
                .iter()
                .any(|e| e.operation == op && e.region.as_deref() == Some(region))
        };
        let mut by_name: BTreeMap<&'s str, Domain<'s>> = BTreeMap::new();
        let v1 = inv.apigateway.domain_names.iter().map(|d| (d, true));
        let v2 = inv
            .apigatewayv2
            .domain_names
            .iter()
            .flatten()
            .map(|d| (d, false));
        for (d, is_v1) in v1.chain(v2) {
            let entry = by_name.entry(&d.domain_name).or_insert(Domain {
                name: &d.domain_name,
                v1: None,
                v2: None,
            });
            if is_v1 {
                entry.v1 = Some(d);
            } else {
                entry.v2 = Some(d);
            }
        }
        let mut unlisted = Vec::new();
        if failed(LIST_V1) {
            unlisted.push(LIST_V1);
        }
        if failed(LIST_V2) || inv.apigatewayv2.domain_names.is_none() {
            unlisted.push(LIST_V2);
        }
        let list: Vec<Domain<'s>> = by_name.into_values().collect();
        let mut by_api: HashMap<&'s str, Vec<(usize, &'s ApiMapping)>> = HashMap::default();
        for (n, d) in list.iter().enumerate() {
            for m in d.mappings() {
                by_api.entry(m.api_id.as_str()).or_default().push((n, m));
            }
        }
        Domains {
            list,
            unlisted,
            by_api,
        }
    }

    /// Why some mapping of the region may be unknown: the operations that
    /// are missing (a domain list, or some listed domain's mappings).
    pub fn unknown_mappings(&self) -> Vec<&'static str> {
        let mut ops = self.unlisted.clone();
        for d in &self.list {
            for op in d.mappings_missing() {
                if !ops.contains(&op) {
                    ops.push(op);
                }
            }
        }
        ops
    }

    /// Every known mapping to `api_id` with its domain, by domain name then
    /// key.
    pub fn mapped<'a>(
        &'a self,
        api_id: &str,
    ) -> impl Iterator<Item = (&'a Domain<'s>, &'s ApiMapping)> + 'a {
        self.by_api
            .get(api_id)
            .into_iter()
            .flatten()
            .map(|(n, m)| (&self.list[*n], *m))
    }

    /// The domains (with the mapping key) that send requests to `stage` of
    /// `api_id` (a REST mapping without a stage serves every stage).
    pub fn entries<'a>(
        &'a self,
        api_id: &str,
        stage: &'a str,
    ) -> impl Iterator<Item = (&'a Domain<'s>, &'s ApiMapping)> + 'a {
        self.mapped(api_id)
            .filter(move |(_, m)| m.stage.as_deref().is_none_or(|s| s == stage))
    }

    /// Whether any known mapping names `api_id`.
    pub fn maps_api(&self, api_id: &str) -> bool {
        self.by_api.contains_key(api_id)
    }
}

/// How a path names a domain entry: `domain/key` (`domain/` for the root).
pub fn entry_id(domain: &str, m: &ApiMapping) -> String {
    format!("{domain}/{}", m.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(api: &str, stage: Option<&str>, key: &str) -> ApiMapping {
        ApiMapping {
            api_id: api.into(),
            stage: stage.map(str::to_string),
            key: key.into(),
        }
    }

    #[test]
    fn v1_and_v2_listings_are_one_domain_with_the_union_of_mappings() {
        let mut s = snapshot();
        let r = region(&mut s);
        r.apigateway.domain_names = vec![custom_domain(
            "a.example.com",
            Some(vec![m("r1", Some("prod"), "v1")]),
        )];
        r.apigatewayv2.domain_names = Some(vec![
            custom_domain(
                "a.example.com",
                Some(vec![
                    m("r1", Some("prod"), "v1"),
                    m("h1", Some("$default"), ""),
                ]),
            ),
            custom_domain("b.example.com", Some(vec![m("r1", None, "")])),
        ]);
        let inv = &s.regions["us-east-1"];
        let d = Domains::of(&s, "us-east-1", inv);
        assert!(d.unlisted.is_empty());
        assert!(d.unknown_mappings().is_empty());
        assert_eq!(d.list.len(), 2);
        assert_eq!(d.list[0].mappings().count(), 2, "the shared mapping once");
        // A REST mapping without a stage serves every stage.
        let to_prod: Vec<_> = d
            .entries("r1", "prod")
            .map(|(d, m)| entry_id(d.name, m))
            .collect();
        assert_eq!(to_prod, ["a.example.com/v1", "b.example.com/"]);
        assert_eq!(d.entries("r1", "test").count(), 1);
        assert!(d.maps_api("h1") && !d.maps_api("zz"));
    }

    #[test]
    fn missing_lists_and_mappings_are_named() {
        let mut s = snapshot();
        let r = region(&mut s);
        r.apigateway.domain_names = vec![custom_domain("a.example.com", None)];
        r.apigatewayv2.domain_names = None;
        let inv = &s.regions["us-east-1"];
        let d = Domains::of(&s, "us-east-1", inv);
        assert_eq!(d.unlisted, [LIST_V2]);
        assert_eq!(d.unknown_mappings(), [LIST_V2, MAPPINGS_V1]);
    }
}
