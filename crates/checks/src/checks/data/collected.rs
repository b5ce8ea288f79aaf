//! Why one resource's data is missing from the snapshot: the collection
//! error recorded for exactly that resource when there is one (per-resource
//! calls such as `apigateway:GetStages` name the API, IAM calls the role or
//! policy), else any error of the same operation in the region, else a plain
//! "not collected". Shared by the data and instance checks whose inputs are
//! per-resource `Option`s; [`crate::registry::Context::not_collected`] is the
//! region-wide counterpart.

use crate::registry::Context;

/// The reason a check gives for *not evaluated* on `resource`, the first of
/// `operations` that failed for it. `resource` is matched exactly or as a
/// prefix followed by `/` (`GetRolePolicy` records `ROLE_ARN/POLICY`,
/// `GetMethod` records `API/RESOURCE/VERB`).
pub(crate) fn why_missing(
    cx: &Context<'_>,
    region: Option<&str>,
    operations: &[&str],
    resource: &str,
) -> String {
    let names = |r: &str| {
        r == resource
            || r.strip_prefix(resource)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    for op in operations {
        if let Some(e) = cx
            .snapshot
            .errors_for(op, region)
            .find(|e| e.resource.as_deref().is_some_and(names))
        {
            return format!(
                "{op} failed for {resource} ({}: {})",
                e.kind.as_str(),
                e.message
            );
        }
    }
    cx.not_collected(region, operations)
        .unwrap_or_else(|| format!("the data for {resource} was not collected"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn the_error_for_the_resource_wins_over_others() {
        let mut s = snapshot();
        fail(&mut s, "apigateway:GetStages");
        let mut mine = s.collection_errors[0].clone();
        mine.resource = Some("api-1".into());
        mine.message = "mine".into();
        s.collection_errors.push(mine);
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::default();
        let cx = Context {
            snapshot: &s,
            index: &index,
            exposures: &exposures,
        };
        let ops = ["apigateway:GetStages"];
        assert!(why_missing(&cx, Some(REGION), &ops, "api-1").contains("mine"));
        assert!(why_missing(&cx, Some(REGION), &ops, "api-2").contains("denied"));
        assert!(why_missing(&cx, None, &ops, "api-1").contains("api-1 was not collected"));
    }
}
