//! Socket monitors (`zmq_socket_monitor`): events about a socket's
//! connections, published on a PAIR socket bound to an inproc endpoint, in
//! libzmq's version 1 format: a 6-byte frame (event as u16, value as u32,
//! both host order) and a frame with the endpoint.
//!
//! Events come from the socket's own thread (bind) and from the I/O thread
//! (connections), so the monitor socket sits behind a mutex shared by both.
//! Sends never block: with nobody reading, events are dropped at the HWM.

use parking_lot::Mutex;
use std::sync::Arc;

use super::{Socket, DONTWAIT, SNDMORE};
use crate::msg::Msg;

pub const CONNECTED: u16 = 0x0001;
pub const CONNECT_DELAYED: u16 = 0x0002;
pub const CONNECT_RETRIED: u16 = 0x0004;
pub const LISTENING: u16 = 0x0008;
pub const BIND_FAILED: u16 = 0x0010;
pub const ACCEPTED: u16 = 0x0020;
pub const ACCEPT_FAILED: u16 = 0x0040;
pub const CLOSED: u16 = 0x0080;
pub const CLOSE_FAILED: u16 = 0x0100;
pub const DISCONNECTED: u16 = 0x0200;
pub const MONITOR_STOPPED: u16 = 0x0400;
pub const HANDSHAKE_FAILED_NO_DETAIL: u16 = 0x0800;
pub const HANDSHAKE_SUCCEEDED: u16 = 0x1000;
pub const HANDSHAKE_FAILED_PROTOCOL: u16 = 0x2000;
pub const HANDSHAKE_FAILED_AUTH: u16 = 0x4000;

/// Every event a version 1 monitor may ask for (ZMQ_EVENT_ALL).
pub const ALL_V1: i32 = 0xFFFF;

pub struct Monitor {
    socket: Socket,
    events: u32,
}

/// Where a socket's monitor lives, shared with its engines.
#[derive(Clone, Default)]
pub struct MonitorSlot(Arc<Mutex<Option<Monitor>>>);

impl MonitorSlot {
    /// Publishes an event if the monitor asked for it.
    pub fn emit(&self, event: u16, value: u32, endpoint: &str) {
        let mut slot = self.0.lock();
        if let Some(m) = slot.as_mut() {
            if m.events & u32::from(event) != 0 {
                m.publish(event, value, endpoint);
            }
        }
    }

    /// Installs a new monitor; the old one, if any, says MONITOR_STOPPED.
    pub fn replace(&self, socket: Option<Socket>, events: u32) {
        let old = {
            let mut slot = self.0.lock();
            std::mem::replace(&mut *slot, socket.map(|socket| Monitor { socket, events }))
        };
        if let Some(mut old) = old {
            if old.events & u32::from(MONITOR_STOPPED) != 0 {
                old.publish(MONITOR_STOPPED, 0, "");
            }
        }
    }
}

impl Monitor {
    fn publish(&mut self, event: u16, value: u32, endpoint: &str) {
        let mut head = [0u8; 6];
        head[..2].copy_from_slice(&event.to_ne_bytes());
        head[2..].copy_from_slice(&value.to_ne_bytes());
        let (Ok(head), Ok(ep)) = (Msg::from_slice(&head), Msg::from_slice(endpoint.as_bytes()))
        else {
            return;
        };
        if self.socket.send(head, SNDMORE | DONTWAIT).is_ok() {
            let _ = self.socket.send(ep, DONTWAIT);
        }
    }
}
