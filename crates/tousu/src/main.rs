//! tousu: complaint intelligence and case handling. One binary: CLI, HTTP API, web UI.

mod cli;
mod server;

fn main() -> std::process::ExitCode {
    cli::main()
}
