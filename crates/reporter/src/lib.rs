//! Reporter: renders findings (issue 4).
