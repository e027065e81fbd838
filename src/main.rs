//! The claimlint binary: parse the arguments, run the library, map the outcome to an exit code.

use claimlint::cli::{Cli, Command};
use claimlint::run::{Exit, Io, run};
use clap::Parser;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

// The engine allocates many small, short-lived vectors per block; the system allocator spent a
// quarter of a profile on them (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Lsp(_) = cli.command {
        // The language server's threads read and write the standard streams themselves, so this
        // thread must not lock them first.
        return match claimlint::lsp::run_stdio() {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                let _ = writeln!(io::stderr(), "error: lsp: {e}");
                ExitCode::from(Exit::Error.code())
            }
        };
    }
    let stdout = io::stdout();
    let stdout_is_terminal = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    let mut stdin = io::stdin().lock();
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
        stdout_is_terminal,
        exits_after: true,
    };
    match run(&cli, &mut io).and_then(|exit| out.flush().map(|()| exit)) {
        Ok(exit) => ExitCode::from(exit.code()),
        // A reader that stopped reading (`claimlint check | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {e}");
            ExitCode::from(Exit::Error.code())
        }
    }
}
