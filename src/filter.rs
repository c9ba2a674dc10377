//! The run list's filter. Plain text by default (case-insensitive, anywhere in the name); text
//! written `/like this/` is a regular expression of `regex-lite` (the `regex` project's small
//! engine), whose matching takes time linear in the name whatever the pattern, so a filter from a
//! share link cannot hang the page. Classes and case folding are ASCII-only (`\w`, `\d`, `(?i)`).

use regex_lite::{Regex, RegexBuilder};

use crate::error::escaped;

/// Largest compiled pattern (bytes of the crate's program): larger ones are refused.
const MAX_PATTERN: usize = 1 << 20;

/// A compiled filter.
pub enum Filter {
    All,
    Text(String),
    Pattern(Regex),
}

impl Filter {
    /// The filter `text` asks for, or one sentence on why its pattern is not valid.
    pub fn new(text: &str) -> Result<Filter, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Filter::All);
        }
        match text
            .strip_prefix('/')
            .and_then(|t| t.strip_suffix('/'))
            .filter(|p| !p.is_empty())
        {
            Some(pattern) => RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(MAX_PATTERN)
                .build()
                .map(Filter::Pattern)
                .map_err(|e| {
                    let pattern = escaped(pattern);
                    match e.to_string() {
                        m if m.contains("size limit") => format!(
                            "the run filter /{pattern}/ is too large: expected a pattern that compiles to at most {} KB",
                            MAX_PATTERN >> 10
                        ),
                        m => format!(
                            "the run filter /{pattern}/ is not a valid pattern: {}",
                            escaped(last_line(&m))
                        ),
                    }
                }),
            None => Ok(Filter::Text(text.to_lowercase())),
        }
    }

    /// Whether run `name` passes the filter.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Filter::All => true,
            Filter::Text(needle) => name.to_lowercase().contains(needle.as_str()),
            Filter::Pattern(re) => re.is_match(name),
        }
    }
}

/// The last non-empty line of the crate's message (it draws the pattern with a caret above it).
fn last_line(message: &str) -> &str {
    message
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or(message)
}
