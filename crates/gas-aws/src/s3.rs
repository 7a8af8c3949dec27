//! One S3 bucket: streaming downloads to disk and uploads from disk (multipart for large files), so no
//! object is ever held whole in memory.

use std::path::Path;

use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::io::AsyncWriteExt;

use gas_core::error::Chain;

use crate::Aws;
use crate::error::{AwsError, Context};

/// Files larger than this are uploaded in parts of this size (S3's minimum part size is 5 MiB).
pub const DEFAULT_PART_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Bucket {
    client: aws_sdk_s3::Client,
    name: String,
    part_size: u64,
}

impl Bucket {
    pub fn new(aws: &Aws, name: impl Into<String>) -> Self {
        Self { client: aws.s3.clone(), name: name.into(), part_size: DEFAULT_PART_SIZE }
    }

    /// Uses `part_size` (at least 5 MiB) for multipart uploads.
    pub fn with_part_size(mut self, part_size: u64) -> Self {
        self.part_size = part_size.max(5 * 1024 * 1024);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn client(&self) -> &aws_sdk_s3::Client {
        &self.client
    }

    /// Streams the object into `path` (created or truncated). Returns the number of bytes written, or
    /// `None` when the object does not exist.
    pub async fn download_to_file(&self, key: &str, path: &Path) -> Result<Option<u64>, AwsError> {
        match self.open(key).await? {
            Some(download) => download.save_to(path).await.map(Some),
            None => Ok(None),
        }
    }

    /// Starts reading the object: its size is known before any of its body is read, so a caller can
    /// refuse it (too large, no room) at the cost of one request. `None` when it does not exist.
    pub async fn open(&self, key: &str) -> Result<Option<Download>, AwsError> {
        match self.client.get_object().bucket(&self.name).key(key).send().await {
            Ok(object) => Ok(Some(Download {
                size: object.content_length.and_then(|n| u64::try_from(n).ok()).unwrap_or_default(),
                body: object.body,
                resource: self.resource(key),
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
            Err(e) => Err(e).context("GetObject", &self.resource(key)),
        }
    }

    /// Uploads the file at `path`: in one request when it is small, in parts otherwise.
    pub async fn upload_file(&self, key: &str, path: &Path, content_type: &str) -> Result<(), AwsError> {
        let io_error = |e: std::io::Error| AwsError::new("PutObject from file", self.resource(key), e);
        let size = tokio::fs::metadata(path).await.map_err(io_error)?.len();
        if size <= self.part_size {
            let body = ByteStream::from_path(path)
                .await
                .map_err(|e| AwsError::new("PutObject", self.resource(key), e))?;
            self.client
                .put_object()
                .bucket(&self.name)
                .key(key)
                .content_type(content_type)
                .body(body)
                .send()
                .await
                .context("PutObject", &self.resource(key))?;
            return Ok(());
        }
        let upload = self
            .client
            .create_multipart_upload()
            .bucket(&self.name)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .context("CreateMultipartUpload", &self.resource(key))?;
        let upload_id = upload.upload_id.unwrap_or_default();
        match self.upload_parts(key, &upload_id, path, size).await {
            Ok(()) => Ok(()),
            Err(e) => {
                // Parts of an abandoned upload are billed until aborted.
                if let Err(abort) = self
                    .client
                    .abort_multipart_upload()
                    .bucket(&self.name)
                    .key(key)
                    .upload_id(&upload_id)
                    .send()
                    .await
                {
                    tracing::warn!(key, error = %Chain(&abort), "could not abort multipart upload");
                }
                Err(e)
            }
        }
    }

    async fn upload_parts(&self, key: &str, upload_id: &str, path: &Path, size: u64) -> Result<(), AwsError> {
        let mut parts = Vec::new();
        let mut offset = 0;
        let mut part_number = 1;
        while offset < size {
            let length = self.part_size.min(size - offset);
            let body = ByteStream::read_from()
                .path(path)
                .offset(offset)
                .length(Length::Exact(length))
                .build()
                .await
                .map_err(|e| AwsError::new("UploadPart", self.resource(key), e))?;
            let part = self
                .client
                .upload_part()
                .bucket(&self.name)
                .key(key)
                .upload_id(upload_id)
                .part_number(part_number)
                .body(body)
                .send()
                .await
                .context("UploadPart", &self.resource(key))?;
            parts.push(CompletedPart::builder().part_number(part_number).set_e_tag(part.e_tag).build());
            offset += length;
            part_number += 1;
        }
        self.client
            .complete_multipart_upload()
            .bucket(&self.name)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .context("CompleteMultipartUpload", &self.resource(key))?;
        Ok(())
    }

    /// Stores a small object from memory.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), AwsError> {
        self.client
            .put_object()
            .bucket(&self.name)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .context("PutObject", &self.resource(key))?;
        Ok(())
    }

    /// Reads a small object into memory; `None` when it does not exist.
    pub async fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, AwsError> {
        let object = match self.client.get_object().bucket(&self.name).key(key).send().await {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(e).context("GetObject", &self.resource(key)),
        };
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| AwsError::new("GetObject body", self.resource(key), e))?;
        Ok(Some(bytes.to_vec()))
    }

    fn resource(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.name)
    }
}

/// An object being read (see [`Bucket::open`]); dropping it abandons the rest of the body.
pub struct Download {
    pub size: u64,
    body: ByteStream,
    resource: String,
}

impl Download {
    /// Streams the body into `path` (created or truncated); returns the bytes written.
    pub async fn save_to(self, path: &Path) -> Result<u64, AwsError> {
        let io_error = |e: std::io::Error| AwsError::new("GetObject to file", self.resource.clone(), e);
        let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
        let written = tokio::io::copy(&mut self.body.into_async_read(), &mut file).await.map_err(io_error)?;
        file.flush().await.map_err(io_error)?;
        Ok(written)
    }
}
