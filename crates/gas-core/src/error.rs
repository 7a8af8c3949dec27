//! Error helpers shared by every boundary.

use std::error::Error;
use std::fmt;

/// Displays an error with its whole cause chain (`outer: middle: root`), so logs keep the real reason
/// (an AWS SDK error's top level alone is often just "service error").
pub struct Chain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not submit job")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("conditional check failed")]
    struct Inner;

    #[test]
    fn chain_shows_every_cause() {
        let err = Outer(Inner);
        assert_eq!(Chain(&err).to_string(), "could not submit job: conditional check failed");
    }
}
