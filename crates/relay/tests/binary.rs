//! The `crm-relay` binary as `make run` starts it: flags, data dir, clear errors, clean stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn relay(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crm-relay"));
    cmd.args(args)
        .env_remove("CRM_PORT")
        .env_remove("CRM_HOST")
        .env_remove("CRM_DATA_DIR")
        .env_remove("CRM_DIST_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn dist(dir: &Path) -> String {
    let d = dir.join("dist");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("index.html"), "<!doctype html><title>hearth</title>").unwrap();
    d.display().to_string()
}

/// Reads stdout until the "listening on" line and returns the address.
fn listening_addr(child: &mut Child) -> String {
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    line.trim()
        .strip_prefix("crm-relay listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned()
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn serves_creates_its_data_dir_and_stops_cleanly_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = dist(tmp.path());
    let data = tmp.path().join("new/data");
    let mut child = relay(&[
        "--port",
        "0",
        "--data-dir",
        data.to_str().unwrap(),
        "--dist-dir",
        &dist,
    ])
    .spawn()
    .unwrap();
    let addr = listening_addr(&mut child);
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds loopback by default: {addr}"
    );
    assert!(
        data.join("relay.redb").is_file(),
        "data dir and database created"
    );

    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let page = http_get(&addr, "/deals");
    assert!(page.contains("<title>hearth</title>"), "{page}");

    terminate(&child);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit status {:?}", out.status);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("stopped cleanly"), "{log}");
}

#[test]
fn environment_variables_configure_it_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = dist(tmp.path());
    let data = tmp.path().join("env-data");
    let mut child = relay(&[])
        .env("CRM_PORT", "0")
        .env("CRM_DATA_DIR", &data)
        .env("CRM_DIST_DIR", &dist)
        .spawn()
        .unwrap();
    let addr = listening_addr(&mut child);
    assert!(http_get(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    assert!(data.join("relay.redb").is_file());
    terminate(&child);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_missing_app_build_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = relay(&[
        "--port",
        "0",
        "--dist-dir",
        tmp.path().join("nope").to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no built app") && err.contains("make run"),
        "{err}"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = dist(tmp.path());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = relay(&[
        "--port",
        &port,
        "--data-dir",
        tmp.path().join("d").to_str().unwrap(),
        "--dist-dir",
        &dist,
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen") && err.contains(&port),
        "{err}"
    );
}
