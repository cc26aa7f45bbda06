//! C types that appear in exported signatures, laid out as zmq.h declares
//! them.
#![allow(non_camel_case_types)]

use std::ffi::{c_int, c_short, c_void};

/// `zmq_msg_t`: 64 opaque bytes, pointer-aligned in C. Its content is a
/// [`crate::msg::Msg`], always accessed through [`crate::msg::raw`].
#[repr(C, align(8))]
pub struct zmq_msg_t {
    pub _opaque: [u8; 64],
}

/// `zmq_pollitem_t`.
#[repr(C)]
pub struct zmq_pollitem_t {
    pub socket: *mut c_void,
    pub fd: c_int,
    pub events: c_short,
    pub revents: c_short,
}

/// `zmq_poller_event_t` (draft).
#[repr(C)]
pub struct zmq_poller_event_t {
    pub socket: *mut c_void,
    pub fd: c_int,
    pub user_data: *mut c_void,
    pub events: c_short,
}

const _: () = assert!(std::mem::size_of::<zmq_msg_t>() == 64);
const _: () = assert!(std::mem::size_of::<zmq_pollitem_t>() == 16);
const _: () = assert!(std::mem::size_of::<zmq_poller_event_t>() == 32);
