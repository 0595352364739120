//! The registry: a programme, its projects, and what is derived from them (dashboard and
//! checks), computed once so that every page and endpoint reads the same figures.

use crate::call::Call;
use crate::checks::{self, Check};
use crate::programme::Programme;
use crate::project::Project;
use crate::stats::{self, Stats};
use serde::Serialize;

/// A consistent snapshot of the registry. Build it with [`Registry::new`] after each
/// import; it is immutable afterwards.
#[derive(Debug, Clone, Serialize)]
pub struct Registry {
    /// The programme.
    pub programme: Programme,
    /// The projects, in the order of the source document.
    pub projects: Vec<Project>,
    /// Dashboard figures computed from the projects.
    pub stats: Stats,
    /// Reconciliation checks.
    pub checks: Vec<Check>,
}

impl Registry {
    /// Derives the dashboard and the checks from `programme` and `projects`.
    pub fn new(programme: Programme, projects: Vec<Project>) -> Registry {
        let stats = stats::compute(&programme, &projects);
        let checks = checks::run(&programme, &projects);
        Registry {
            programme,
            projects,
            stats,
            checks,
        }
    }

    /// The project whose slug is `slug`.
    pub fn project(&self, slug: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.slug == slug)
    }

    /// The programme's call whose slug is `slug` (`ami-2017`, `aap-2018`).
    pub fn call(&self, slug: &str) -> Option<&Call> {
        self.programme.calls.iter().find(|c| c.slug == slug)
    }

    /// The projects selected in the call `slug` (their [`Project::call`]), in document
    /// order; empty when none is linked to it.
    pub fn projects_of_call(&self, slug: &str) -> Vec<&Project> {
        self.projects.iter().filter(|p| p.call.as_deref() == Some(slug)).collect()
    }
}
