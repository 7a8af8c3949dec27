//! Message bodies: SNS wraps what was published in a JSON envelope unless raw delivery is on.

use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Deserialize)]
struct SnsEnvelope {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "Message")]
    message: String,
}

#[derive(Debug, thiserror::Error)]
#[error("message body is not a valid {expected}: {source}")]
pub struct ParseError {
    expected: &'static str,
    #[source]
    source: serde_json::Error,
}

/// Parses a queue message body as `M`, unwrapping an SNS notification envelope if there is one.
pub fn parse_body<M: DeserializeOwned>(body: &str) -> Result<M, ParseError> {
    let inner = match serde_json::from_str::<SnsEnvelope>(body) {
        Ok(envelope) if envelope.kind == "Notification" => serde_json::from_str(&envelope.message),
        _ => serde_json::from_str(body),
    };
    let short_name = std::any::type_name::<M>().rsplit("::").next().unwrap_or("message");
    inner.map_err(|source| ParseError { expected: short_name, source })
}

#[cfg(test)]
mod tests {
    use gas_core::messages::RestoreRequest;

    use super::*;

    #[test]
    fn unwraps_sns_notifications_and_accepts_raw_bodies() {
        let raw = r#"{"version":1,"user_id":"u-1"}"#;
        let wrapped = serde_json::json!({
            "Type": "Notification",
            "MessageId": "m-1",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:gas-dev-restore",
            "Message": raw,
        })
        .to_string();
        for body in [raw, wrapped.as_str()] {
            let msg: RestoreRequest = parse_body(body).unwrap();
            assert_eq!(msg.user_id.as_str(), "u-1");
        }
    }

    #[test]
    fn names_what_it_expected_when_the_body_is_wrong() {
        let err = parse_body::<RestoreRequest>("not json").unwrap_err();
        assert!(err.to_string().starts_with("message body is not a valid RestoreRequest: "), "{err}");
        let subscription = r#"{"Type":"SubscriptionConfirmation","Message":"confirm"}"#;
        assert!(parse_body::<RestoreRequest>(subscription).is_err());
    }
}
