//! The README's "Depending on the emitted crates" example, as a new user
//! runs it: its `Cargo.toml` and `src/main.rs` blocks become a crate of
//! their own (outside this workspace, depending on `generated/twilio-users`
//! by path), which is built and run against the emulator, configured only
//! by the environment variables the README names.

use std::path::{Path, PathBuf};
use std::sync::Arc;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The fenced block after `<!-- readme-example: {name} -->` in the README.
fn block(readme: &str, name: &str) -> String {
    let marker = format!("<!-- readme-example: {name} -->");
    let after = &readme[readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README.md has no {marker}"))..];
    let start = after
        .find("```")
        .expect("a fenced block follows the marker");
    let body = &after[start..];
    let body = &body[body.find('\n').expect("a fence line") + 1..];
    body[..body.find("```").expect("the block ends")].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_example_runs_as_a_crate_of_its_own() {
    let root = Path::new(ROOT).canonicalize().expect("workspace root");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let manifest = block(&readme, "Cargo.toml");
    let main = block(&readme, "src/main.rs");
    let documented = "path = \"../twilio-users-codegen/generated/twilio-users\"";
    assert!(manifest.contains(documented), "{manifest}");
    let client = root.join("generated/twilio-users");
    let manifest = manifest.replace(
        documented,
        &format!("path = {:?}", client.display().to_string()),
    );

    let krate = std::env::temp_dir().join(format!("twilio-readme-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&krate);
    std::fs::create_dir_all(krate.join("src")).expect("scratch crate");
    // A workspace of its own, with this workspace's lockfile: the versions
    // it builds are the ones tested here, and shared builds are reused.
    std::fs::write(
        krate.join("Cargo.toml"),
        format!("{manifest}\n[workspace]\n"),
    )
    .expect("manifest");
    std::fs::write(krate.join("src/main.rs"), main).expect("main.rs");
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).expect("lockfile");
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let built = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        built.status.success(),
        "the README example does not build:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );

    let account = "AC0123456789abcdef0123456789abcdef";
    let credentials = twilio_users_server::auth::StaticCredentials::new()
        .account(account.parse().expect("a SID"), "readme-token");
    let app = twilio_users_server::emulator(Arc::new(credentials));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });

    let binary = target.join("debug/my-app");
    let ran = tokio::process::Command::new(&binary)
        .env_clear()
        .env("TWILIO_ACCOUNT_SID", account)
        .env("TWILIO_AUTH_TOKEN", "readme-token")
        .env("TWILIO_BASE_URL", &url)
        .output()
        .await
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("created US"), "{stdout}");
    assert_eq!(lines[1], "alice@example.com");
    let _ = std::fs::remove_dir_all(&krate);
}
