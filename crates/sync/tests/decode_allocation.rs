//! Decoding must not trust a length field: a message claiming a 4 GiB field is refused without
//! allocating anything near that size. A counting allocator watches what `decode` asks for.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use crm_sync::{Limits, WireError, decode};

struct Watching;

thread_local! {
    // Only this test's thread is watched; the harness, and the other test running in parallel,
    // allocate on others. The largest size is per thread too, or the tests would see each
    // other's allocations.
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    if WATCHING.try_with(Cell::get).unwrap_or(false) {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Watching = Watching;

fn largest_allocation_during(f: impl FnOnce()) -> usize {
    LARGEST.with(|l| l.set(0));
    WATCHING.with(|w| w.set(true));
    f();
    WATCHING.with(|w| w.set(false));
    LARGEST.with(Cell::get)
}

#[test]
fn the_watcher_sees_allocations() {
    let largest = largest_allocation_during(|| drop(std::hint::black_box(vec![0u8; 4096])));
    assert!(largest >= 4096);
}

#[test]
fn four_gib_length_fields_allocate_nothing_large() {
    let unlimited = Limits {
        max_message: u32::MAX,
        max_id: u32::MAX,
        max_envelope: u32::MAX,
    };
    // Deliver { doc: "d", server_seq: 0, envelope: <claims u32::MAX bytes> }
    let mut envelope = vec![1, 7, 1, 0, 0, 0, b'd'];
    envelope.extend_from_slice(&[0; 8]);
    envelope.extend_from_slice(&[0xff; 4]);
    envelope.extend_from_slice(&[0; 16]);
    // Error { code: Internal, message: <claims u32::MAX bytes> }
    let mut error = vec![1, 3, 8, 0];
    error.extend_from_slice(&[0xff; 4]);
    // Push { doc: <claims u32::MAX bytes> }
    let doc = [1, 4, 0xff, 0xff, 0xff, 0xff, b'a'];

    for bytes in [&envelope[..], &error[..], &doc[..]] {
        for limits in [unlimited, Limits::default()] {
            let mut result = None;
            let largest = largest_allocation_during(|| result = Some(decode(bytes, &limits)));
            let result = result.unwrap();
            assert!(
                matches!(
                    result,
                    Err(WireError::Truncated { .. } | WireError::FieldTooLong { .. })
                ),
                "{result:?}"
            );
            assert!(largest < 1024, "decode allocated {largest} bytes");
        }
    }
}
