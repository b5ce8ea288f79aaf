//! DATA-007: a REST stage cache holds whole backend responses (personal
//! data, tokens in bodies) on API Gateway's cache nodes; without
//! encryption they sit there in the clear for the TTL.
//!
//! Only stages with a cache cluster are at risk; one without passes. With a
//! cache, every method setting that caches must also encrypt. API Gateway
//! caches GET methods by default once the stage cache is on, with
//! encryption off by default, so a cached stage without a stage-wide (`*/*`)
//! method setting fails too.

use rampart_model::Status;

use super::api_stages::each_rest_stage;
use crate::registry::{Check, Context, Outcome};

pub struct ApiCacheUnencrypted;

impl Check for ApiCacheUnencrypted {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-007")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        each_rest_stage(cx, |_, api, stage| {
            if !stage.cache_cluster_enabled {
                return (Status::Pass, "the stage has no cache cluster".into());
            }
            let mut clear: Vec<String> = stage
                .method_settings
                .iter()
                .filter(|(_, m)| m.caching_enabled && !m.cache_data_encrypted)
                .map(|(path, _)| path.clone())
                .collect();
            if !stage.method_settings.contains_key("*/*") {
                clear.insert(
                    0,
                    "*/* (stage default: GET methods cached, unencrypted)".into(),
                );
            }
            if clear.is_empty() {
                (
                    Status::Pass,
                    "every cached method encrypts its cache data".into(),
                )
            } else {
                (
                    Status::Fail,
                    format!(
                        "REST API {} stage {} caches responses unencrypted for {}",
                        api.id,
                        stage.stage_name,
                        clear.join(", ")
                    ),
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::data::fixtures::*;
    use crate::testing::*;

    #[test]
    fn cached_stages_must_encrypt_every_cached_method() {
        let mut s = snapshot();
        let mut enc = rest_stage("enc");
        enc.cache_cluster_enabled = true;
        enc.method_settings
            .insert("*/*".into(), cache_setting(true, true));
        // Caching off for one method: nothing to encrypt there.
        enc.method_settings
            .insert("orders/POST".into(), cache_setting(false, false));
        let mut clear = rest_stage("clear");
        clear.cache_cluster_enabled = true;
        clear
            .method_settings
            .insert("*/*".into(), cache_setting(true, true));
        clear
            .method_settings
            .insert("orders/GET".into(), cache_setting(true, false));
        let mut defaults = rest_stage("defaults");
        defaults.cache_cluster_enabled = true;
        region(&mut s).apigateway.rest_apis = vec![rest_api(
            "a1",
            vec![rest_stage("nocache"), enc, clear, defaults],
        )];
        let got = run(&ApiCacheUnencrypted, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("clear".into(), "fail"),
                ("defaults".into(), "fail"),
                ("enc".into(), "pass"),
                ("nocache".into(), "pass"),
            ]
        );
        assert!(
            got.iter()
                .any(|o| o.message.ends_with("unencrypted for orders/GET"))
        );
        assert!(got.iter().any(|o| o.message.contains("stage default")));
    }

    #[test]
    fn uncollected_stages_are_not_evaluated() {
        let mut s = snapshot();
        let mut api = rest_api("a1", vec![]);
        api.stages = None;
        region(&mut s).apigateway.rest_apis = vec![api];
        fail(&mut s, "apigateway:GetStages");
        let got = run(&ApiCacheUnencrypted, &s);
        assert_eq!(statuses(&got), vec![("*".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigateway:GetStages"))
        );
    }
}
