//! Where the annotator's bundle comes from: a local directory (development), or an S3 prefix
//! (`s3://bucket/path/`, production) downloaded at start-up into a local cache and checked against the
//! SHA-256 its manifest records. A cached copy whose checksum still matches is reused.

use std::path::{Path, PathBuf};

use gas_aws::{Aws, Bucket};
use gas_engine::bundle::{DATA_FILE, MANIFEST, Manifest, sha256_file};

/// The local directory of the bundle `source` names, downloading it first if it is in S3.
pub async fn local_bundle(aws: &Aws, source: &str, cache: &Path) -> Result<PathBuf, String> {
    let Some(location) = source.strip_prefix("s3://") else { return Ok(PathBuf::from(source)) };
    let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
    let prefix =
        if prefix.is_empty() || prefix.ends_with('/') { prefix.to_owned() } else { format!("{prefix}/") };
    let bucket = Bucket::new(aws, bucket);
    let chain = |e: gas_aws::AwsError| gas_core::error::Chain(&e).to_string();

    let manifest_bytes = bucket
        .get_bytes(&format!("{prefix}{MANIFEST}"))
        .await
        .map_err(chain)?
        .ok_or_else(|| format!("{source}: no {MANIFEST} there"))?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| format!("{source}/{MANIFEST}: {e}"))?;
    // Cached by content: a new bundle at the same place gets a new directory.
    let dir = cache.join(&manifest.data.sha256);
    let data = dir.join(DATA_FILE);
    if sha256_of(&data).await.as_deref() == Some(manifest.data.sha256.as_str()) && dir.join(MANIFEST).exists()
    {
        tracing::info!(dir = %dir.display(), "using the cached annotation bundle");
        return Ok(dir);
    }
    tokio::fs::create_dir_all(&dir).await.map_err(|e| format!("{}: {e}", dir.display()))?;
    let partial = dir.join(format!("{DATA_FILE}.partial"));
    tracing::info!(source, bytes = manifest.data.bytes, "downloading the annotation bundle");
    bucket
        .download_to_file(&format!("{prefix}{DATA_FILE}"), &partial)
        .await
        .map_err(chain)?
        .ok_or_else(|| format!("{source}: no {DATA_FILE} there"))?;
    let found = sha256_of(&partial).await.unwrap_or_default();
    if found != manifest.data.sha256 {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(format!(
            "{source}: the downloaded bundle's SHA-256 is {found}, its manifest says {}",
            manifest.data.sha256
        ));
    }
    tokio::fs::write(dir.join(MANIFEST), &manifest_bytes).await.map_err(|e| e.to_string())?;
    tokio::fs::rename(&partial, &data).await.map_err(|e| e.to_string())?;
    Ok(dir)
}

async fn sha256_of(path: &Path) -> Option<String> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || sha256_file(&path).ok()).await.ok().flatten()
}
