//! Waiting: zmq_poll, the draft poller and the timers API.

pub mod timers;
