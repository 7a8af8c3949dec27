//! gas-web: the researcher-facing front end. For now it serves the home page and `/healthz`; login,
//! profiles, uploads and jobs arrive with their issues.

mod assets;
mod pages;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use gas_core::config::WebConfig;
use tokio::net::TcpListener;

pub use pages::Page;

/// Every route of the application.
pub fn router() -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(healthz))
        .route("/static/{file}", get(assets::serve))
        .fallback(pages::not_found)
}

/// Liveness: the process is up and serving.
async fn healthz() -> &'static str {
    "ok"
}

/// A bound listener and the app it will serve; binding first lets tests use port 0.
pub struct Server {
    listener: TcpListener,
    router: Router,
}

impl Server {
    pub async fn bind(config: &WebConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.listen).await?;
        Ok(Self { listener, router: router() })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(addr = %self.local_addr()?, "gas-web listening");
        axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await
    }
}

/// Binds per `config` and serves until `shutdown`.
pub async fn run(
    config: WebConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    Server::bind(&config).await?.serve(shutdown).await
}
