//! `cargo xtask <command>`: the project's automation, in Rust.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Twilio Users code generation tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the IR of a spec as YAML.
    Ir {
        /// An OpenAPI 3.0 spec (YAML or JSON).
        spec: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ir { spec } => generator::ir_of_file(&spec).map(|project| {
            print!("{}", serde_yaml::to_string(&project).expect("the IR always serialises"));
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
