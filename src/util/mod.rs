//! Small self-contained helpers behind the C API.

pub mod capability;
pub mod curve_keys;
pub mod handles;
pub mod z85;
