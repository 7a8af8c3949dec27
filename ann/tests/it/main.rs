//! Until the engine and the pipeline land, both binaries must say so rather than pretend.

use std::process::Command;

#[test]
fn unimplemented_binaries_say_so() {
    for (binary, name) in [
        (env!("CARGO_BIN_EXE_gas-annotator"), "gas-annotator"),
        (env!("CARGO_BIN_EXE_gas-annotate"), "gas-annotate"),
    ] {
        let help = Command::new(binary).arg("--help").output().unwrap();
        assert!(help.status.success(), "{name} --help");
        assert!(String::from_utf8_lossy(&help.stdout).contains("NOT IMPLEMENTED YET"), "{name}");

        let started = Command::new(binary).output().unwrap();
        assert_eq!(started.status.code(), Some(2), "{name}");
        assert!(
            String::from_utf8_lossy(&started.stderr).starts_with(&format!("{name} is not implemented yet"))
        );
    }
}
