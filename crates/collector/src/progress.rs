//! Progress events: the collector says which (service, region) task started
//! and finished; the CLI decides how (and whether) to show them. Keeps the
//! collector free of terminal handling.

/// One unit of progress: a service in a region, or a global service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub service: &'static str,
    /// `None` for global services (IAM).
    pub region: Option<String>,
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.region {
            Some(r) => write!(f, "{} {r}", self.service),
            None => write!(f, "{} (global)", self.service),
        }
    }
}

pub trait Progress: Send + Sync {
    fn started(&self, _task: &Task) {}
    /// `resources` counts the top-level resources the task collected.
    fn finished(&self, _task: &Task, _resources: usize) {}
}

/// Shows nothing.
pub struct Silent;
impl Progress for Silent {}
