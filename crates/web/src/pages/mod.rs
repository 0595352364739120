//! The portal's pages: French, DSFR, server-rendered, usable without JavaScript.

pub mod about;
pub mod account;
pub mod accounts_admin;
pub mod agreement_form;
pub mod agreements;
pub mod applications;
pub mod attachments;
pub mod audit;
pub mod call_management;
pub mod calls;
pub mod checks;
pub mod correspondence;
pub mod dashboard;
pub mod decisions;
pub mod disbursements;
pub mod experts;
pub mod funding;
pub mod funding_import;
pub mod impact;
pub mod indicator;
pub mod indicator_forms;
pub mod investments;
pub mod layout;
pub mod legal;
pub mod measurement_import;
pub mod measurement_queue;
pub mod oidc;
pub mod open_data;
pub mod opinions;
pub mod partners;
pub mod project;
pub mod projects;
pub mod scoring;

use axum::{
    body::{Body, Bytes},
    http::{header, HeaderValue},
    response::Response,
};

/// A 200 `text/html; charset=utf-8` response with `body`.
pub fn html(body: Bytes) -> Response {
    let mut res = Response::new(Body::from(body));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

/// Template filters (askama looks them up as `filters::name` next to each template).
pub mod filters {
    use territoires_domain::Money;

    /// A count with French digit grouping (`56 000`).
    pub fn count<T: Copy + Into<u64>>(n: &T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::format::count((*n).into()))
    }

    /// Cents in millions of euros (`5,7 M€`).
    pub fn millions(m: &Money, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(m.fmt_millions())
    }
}
