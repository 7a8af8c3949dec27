//! gas-web over real HTTP on a random port.

use gas_core::config::WebConfig;

struct App {
    base: String,
    client: reqwest::Client,
}

async fn spawn_app() -> App {
    let config = WebConfig { listen: "127.0.0.1:0".parse().unwrap(), origin: "http://localhost".into() };
    let server = gas_web::Server::bind(&config).await.unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.serve(std::future::pending()));
    App { base, client: reqwest::Client::new() }
}

impl App {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn home_page_says_what_gas_does() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Genomics Annotation Service</h1>"), "{html}");
    assert!(html.contains(r#"<link rel="stylesheet" href="/static/style.css">"#));
}

#[tokio::test]
async fn stylesheet_is_served_with_its_type() {
    let app = spawn_app().await;
    let response = app.get("/static/style.css").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/css; charset=utf-8");
    assert!(response.text().await.unwrap().contains("--accent"));
    assert_eq!(app.get("/static/missing.css").await.status(), 404);
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
