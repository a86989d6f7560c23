//! tousu: complaint intelligence and case handling. One binary: CLI, HTTP API, web UI.

mod assess;
mod bench;
mod cli;
mod engine;
mod persons;
mod server;
mod web;

fn main() -> std::process::ExitCode {
    cli::main()
}
