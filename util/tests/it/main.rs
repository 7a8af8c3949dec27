//! The util binaries as an operator runs them.

use std::process::{Command, Output};

use gas_testkit::{child_env, unique_deployment};

fn run(binary: &str, args: &[&str], env: &[(&'static str, String)]) -> Output {
    Command::new(binary).args(args).envs(env.iter().map(|(k, v)| (k, v))).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn admin_provisions_idempotently_and_tears_down_only_when_confirmed() {
    let deployment = unique_deployment();
    let env = child_env(&deployment);
    let admin = env!("CARGO_BIN_EXE_gas-admin");

    let first = run(admin, &["provision"], &env);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(
        out.starts_with(&format!("Provisioning deployment {} in us-east-1 at http://", deployment.name())),
        "{out}"
    );
    let inputs_line = out.lines().find(|l| l.contains(&deployment.inputs_bucket())).unwrap();
    assert!(inputs_line.starts_with("bucket") && inputs_line.ends_with("created"), "{inputs_line}");
    assert!(out.ends_with("24 created, 0 updated, 0 unchanged, 0 deleted, 0 absent\n"), "{out}");

    let second = run(admin, &["provision"], &env);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(text(&second.stdout).ends_with("0 created, 0 updated, 24 unchanged, 0 deleted, 0 absent\n"));

    let refused = run(admin, &["teardown"], &env);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("Run again with --yes to confirm."));

    let torn = run(admin, &["teardown", "--yes"], &env);
    assert!(torn.status.success(), "{}", text(&torn.stderr));
    assert!(text(&torn.stdout).ends_with("0 created, 0 updated, 0 unchanged, 19 deleted, 0 absent\n"));
}

#[test]
fn admin_refuses_a_bad_deployment_name() {
    let mut env = child_env(&unique_deployment());
    env.retain(|(k, _)| *k != "GAS_DEPLOYMENT");
    env.push(("GAS_DEPLOYMENT", "Bad_Name".to_owned()));
    let out = run(env!("CARGO_BIN_EXE_gas-admin"), &["provision"], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("GAS_DEPLOYMENT: \"Bad_Name\" is not a deployment name"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unimplemented_services_say_so_and_consume_nothing() {
    let services = [
        (env!("CARGO_BIN_EXE_gas-notify"), "gas-notify"),
        (env!("CARGO_BIN_EXE_gas-archive"), "gas-archive"),
        (env!("CARGO_BIN_EXE_gas-restore"), "gas-restore"),
        (env!("CARGO_BIN_EXE_gas-thaw"), "gas-thaw"),
    ];
    for (binary, name) in services {
        let help = run(binary, &["--help"], &[]);
        assert!(help.status.success(), "{name} --help");
        assert!(text(&help.stdout).contains("NOT IMPLEMENTED YET"), "{name} --help: {}", text(&help.stdout));

        let started = run(binary, &[], &[]);
        assert_eq!(started.status.code(), Some(2), "{name}");
        assert_eq!(
            text(&started.stderr),
            format!("{name} is not implemented yet; it consumes no messages.\n")
        );
    }
}
