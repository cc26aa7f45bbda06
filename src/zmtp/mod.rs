//! ZMTP, the wire protocol, without I/O: it is given bytes and returns
//! what they mean (greeting, frames, commands), and it produces the bytes
//! to send. Engines (with the network transports) drive it; tests feed it
//! byte for byte.

pub mod codec;
pub mod command;
pub mod greeting;
pub mod mechanism;
pub mod socket_type;
