//! Checks: the graph, exposure paths and the check catalogue (issue 3).
