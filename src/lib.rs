//! ferrozmq: libzmq rewritten in Rust, behind libzmq's exact C ABI.
//!
//! The C surface lives in [`ffi`]; everything else is plain Rust that the
//! exported functions call. See `DESIGN.md` in the shared folder for the
//! architecture this crate follows.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod command;
pub mod ctx;
pub mod errno;
pub mod ffi;
pub mod io;
pub mod msg;
pub mod pattern;
pub mod pipe;
pub mod poll;
pub mod signal;
pub mod socket;
#[cfg(test)]
mod test_rng;
pub mod transport;
pub mod util;
pub mod zmtp;
