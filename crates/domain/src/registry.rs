//! The registry: a programme, its projects, and what is derived from them (dashboard and
//! checks), computed once so that every page and endpoint reads the same figures.

use crate::call::Call;
use crate::checks::{self, Check};
use crate::laureate::ProjectOrigin;
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
    /// Projects created from a selected application (issue 3), by slug; they are in
    /// `projects` (after the press kit's) but not in `stats` nor `checks`, which stay the
    /// press kit's figures.
    pub origins: Vec<ProjectOrigin>,
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
            origins: Vec::new(),
        }
    }

    /// This registry with the `laureates` created from applications appended to its
    /// projects, their origins recorded; the dashboard figures and the checks are left
    /// as computed from the press kit's projects by [`Registry::new`].
    pub fn with_laureates(mut self, laureates: Vec<(Project, ProjectOrigin)>) -> Registry {
        for (project, origin) in laureates {
            self.projects.push(project);
            self.origins.push(origin);
        }
        self
    }

    /// The origin of project `slug` when it was created from an application.
    pub fn origin(&self, slug: &str) -> Option<&ProjectOrigin> {
        self.origins.iter().find(|o| o.slug == slug)
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
