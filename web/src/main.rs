use std::process::ExitCode;

use gas_core::config::WebConfig;
use gas_core::error::Chain;

#[tokio::main]
async fn main() -> ExitCode {
    gas_core::telemetry::init();
    let config = match WebConfig::from_env() {
        Ok(config) => config,
        Err(e) => {
            tracing::error!(error = %e, "invalid configuration");
            return ExitCode::FAILURE;
        }
    };
    match gas_web::run(config, gas_core::signal::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %Chain(&e), "gas-web failed");
            ExitCode::FAILURE
        }
    }
}
