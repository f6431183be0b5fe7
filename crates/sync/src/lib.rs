//! The sync protocol without any IO.
//!
//! Like quinn-proto and samod-core, everything here is a state machine: inputs are events
//! (a message arrived, a timer fired, the clock reads T), outputs are messages to send and IO
//! requests as plain data. The browser adapters and the relay perform the IO; native tests drive
//! many peers through a simulated network deterministically.

pub mod backoff;

pub use backoff::Backoff;
