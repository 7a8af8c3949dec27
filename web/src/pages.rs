//! HTML pages: askama templates rendered through one [`Page`] response type.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A rendered template as a response; a rendering error becomes a plain 500 (and a log line), never a
/// half-written page.
pub struct Page<T>(pub StatusCode, pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.1.render() {
            Ok(html) => (self.0, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "template rendering failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response()
            }
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct Home;

pub async fn home() -> Page<Home> {
    Page(StatusCode::OK, Home)
}

#[derive(Template)]
#[template(path = "not_found.html")]
pub struct NotFound;

pub async fn not_found() -> Page<NotFound> {
    Page(StatusCode::NOT_FOUND, NotFound)
}
