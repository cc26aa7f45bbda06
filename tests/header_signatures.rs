//! A Rust export whose signature drifts from include/zmq.h must fail the
//! build: cbindgen writes C declarations for every `extern "C"` function in
//! the crate, and one C translation unit includes zmq.h and then those
//! declarations. C rejects two incompatible declarations of one function,
//! so any difference in argument or return types is a compile error.

use std::path::Path;
use std::process::Command;

fn generated_declarations(out: &Path) {
    let mut config = cbindgen::Config {
        language: cbindgen::Language::C,
        usize_is_size_t: true,
        no_includes: true,
        ..Default::default()
    };
    // These are defined by zmq.h itself (or the system headers it pulls
    // in); the generated file must only refer to them.
    config.export.exclude = ["zmq_msg_t", "zmq_pollitem_t", "zmq_poller_event_t"]
        .map(String::from)
        .to_vec();
    config.export.rename = [("iovec", "struct iovec"), ("sigset_t", "sigset_t")]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into_iter()
        .collect();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .generate()
        .expect("cbindgen reads the crate")
        .write_to_file(out);
}

#[test]
fn exports_match_zmq_h() {
    let dir = std::env::temp_dir().join(format!("ferrozmq-sigcheck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let generated = dir.join("exports.h");
    generated_declarations(&generated);

    let text = std::fs::read_to_string(&generated).unwrap();
    let exported = text.matches("zmq_").count();
    assert!(exported > 97, "cbindgen found too few exports:\n{text}");

    let unit = dir.join("check.c");
    std::fs::write(
        &unit,
        "#define ZMQ_BUILD_DRAFT_API\n\
         #include <stdbool.h>\n\
         #include <sys/uio.h>\n\
         #include <zmq.h>\n\
         #include \"exports.h\"\n",
    )
    .unwrap();
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let result = Command::new(cc)
        .args(["-std=gnu11", "-fsyntax-only", "-Werror", "-Wall"])
        .arg("-I")
        .arg(&include)
        .arg("-I")
        .arg(&dir)
        .arg(&unit)
        .output()
        .expect("a C compiler is installed");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        result.status.success(),
        "Rust exports disagree with include/zmq.h:\n{}\n--- generated declarations ---\n{text}",
        String::from_utf8_lossy(&result.stderr)
    );
}
