//! gas-aws against the local AWS stand-in. One test binary, one module per concern.

mod fanout;
mod provision;
mod s3;
mod submit;
mod tables;
