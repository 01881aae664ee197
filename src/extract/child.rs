//! The sandbox: extraction runs in a child process, the binary's own
//! `extract` subcommand, so that what no reader can bound stays in the
//! child. The child lowers its own address-space and CPU limits before it
//! reads a byte, takes the file on stdin and writes one JSON outcome on
//! stdout; the parent writes, reads through a cap, and kills the child at
//! the deadline. An abort, a stack overflow, a failed allocation, a CPU
//! or wall-clock overrun, or output that does not parse is one outcome,
//! "not scanned" (too large for an allocation the memory limit refused,
//! timed out for a limit of time, crashed otherwise), and the parent
//! carries on.
//!
//! Why a process (`../shared/reference/attachments.md` §3): a mutated
//! `.xls` asked `calamine` for 7.5 GB and a nested PDF overflowed a
//! reader's stack; neither can be caught in-process, and a blocking task
//! cannot be cancelled.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{extract, Extracted, Limits, NotScanned};

/// What the child writes on stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Extracted(Extracted),
    NotScanned(NotScanned),
}

/// How the parent runs a child.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// The leakguard binary (its `extract` subcommand is the child).
    pub program: PathBuf,
    /// The readers' own limits.
    pub limits: Limits,
    /// Largest file accepted, in bytes.
    pub max_input: u64,
    /// The child's address space, in MiB.
    pub memory_mib: u64,
    /// The child's CPU time, in seconds.
    pub cpu_seconds: u64,
    /// Wall-clock time before the child is killed.
    pub timeout: Duration,
}

impl Sandbox {
    /// A sandbox running this very binary, with the defaults that suit a
    /// 2-core server: 20 MB files, 1 GiB and 30 s of CPU per child, 20 s
    /// on the clock.
    pub fn current() -> std::io::Result<Sandbox> {
        Ok(Sandbox {
            program: std::env::current_exe()?,
            limits: Limits::default(),
            max_input: 20 << 20,
            memory_mib: 1024,
            cpu_seconds: 30,
            timeout: Duration::from_secs(20),
        })
    }

    /// The text inside `bytes`, read in a child process.
    pub fn run(&self, bytes: &[u8]) -> Result<Extracted, NotScanned> {
        if bytes.len() as u64 > self.max_input {
            return Err(NotScanned::TooLarge);
        }
        let limits = serde_json::to_string(&self.limits).expect("limits serialize");
        let mut command = Command::new(&self.program);
        command
            .arg("extract")
            .arg("--limits")
            .arg(limits)
            .arg("--memory-mib")
            .arg(self.memory_mib.to_string())
            .arg("--cpu-seconds")
            .arg(self.cpu_seconds.to_string())
            .arg("--max-input")
            .arg(self.max_input.to_string())
            .env_clear()
            .env("OMP_THREAD_LIMIT", "1")
            // mimalloc reserves 1 GiB of address space up front by
            // default, which would use up the child's limit by itself and
            // leave no room to start the OCR engine; reserved in smaller
            // steps, the limit bounds what the readers take.
            .env("MIMALLOC_ARENA_RESERVE", "64MiB")
            // The PDF reader's own cap on one unpacked stream, lowered
            // from its 256 MB to the member limit.
            .env(
                "PDF_OXIDE_MAX_DECOMPRESS_MB",
                (self.limits.max_member_bytes >> 20).max(1).to_string(),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Nothing of the server's environment (its secrets) but where the
        // OCR engine and its models are.
        for name in ["PATH", "TESSDATA_PREFIX"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        // Its own process group: at the deadline the child and what it
        // started (the OCR engine) are killed together.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        // A private scratch directory as its working and temporary
        // directory, removed when the child is done, so that nothing a
        // reader or the OCR engine writes outlives the extraction.
        let scratch = tempfile::Builder::new()
            .prefix("leakguard-extract-")
            .tempdir()
            .map_err(|_| NotScanned::Crashed)?;
        command
            .current_dir(scratch.path())
            .env("TMPDIR", scratch.path());
        let mut child = command.spawn().map_err(|_| NotScanned::Crashed)?;
        let deadline = Instant::now() + self.timeout;
        let mut stderr = child.stderr.take().expect("stderr is piped");
        // Only to tell an allocation refused under the memory limit (Rust's
        // runtime says so before it aborts) from a crash; the text is
        // dropped here, never logged: a reader's message may quote the file.
        let errors = std::thread::spawn(move || {
            let mut err = Vec::new();
            let _ = (&mut stderr).take(64 << 10).read_to_end(&mut err);
            let needle: &[u8] = b"memory allocation of";
            err.windows(needle.len()).any(|w| w == needle)
        });
        // Output is JSON-escaped text: a few bytes per character at most.
        let cap = self.limits.max_chars as u64 * 8 + (1 << 20);
        let (status, out) = converse(&mut child, bytes, cap, deadline, kill_group);
        let out_of_memory = errors.join().unwrap_or(false);
        if out.len() as u64 > cap {
            return Err(NotScanned::TooLarge);
        }
        let status = status.ok_or(NotScanned::Timeout)?;
        if !status.success() {
            return Err(if cpu_exceeded(&status) {
                NotScanned::Timeout
            } else if out_of_memory {
                NotScanned::TooLarge
            } else {
                NotScanned::Crashed
            });
        }
        match serde_json::from_slice(&out) {
            Ok(Outcome::Extracted(e)) => Ok(e),
            Ok(Outcome::NotScanned(reason)) => Err(reason),
            Err(_) => Err(NotScanned::Crashed),
        }
    }
}

/// Writes `input` to the stdin of `child` (spawned with piped stdin and
/// stdout), reads at most `cap + 1` bytes of its stdout, and waits for it
/// until `deadline`, past which `kill` ends it: its status (`None` when it
/// was killed) and what it wrote. A child that stops reading (it refused
/// the input) closes the pipe; that is not an error here.
pub(super) fn converse(
    child: &mut std::process::Child,
    input: &[u8],
    cap: u64,
    deadline: Instant,
    kill: impl FnOnce(&mut std::process::Child),
) -> (Option<std::process::ExitStatus>, Vec<u8>) {
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    std::thread::scope(|s| {
        s.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let reader = s.spawn(move || {
            let mut out = Vec::new();
            let _ = (&mut stdout).take(cap + 1).read_to_end(&mut out);
            out
        });
        let status = wait_until(child, deadline, kill);
        (status, reader.join().unwrap_or_default())
    })
}

/// Waits for `child` until `deadline`; past it, `kill` ends it and `None`
/// is returned.
fn wait_until(
    child: &mut std::process::Child,
    deadline: Instant,
    kill: impl FnOnce(&mut std::process::Child),
) -> Option<std::process::ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                kill(child);
                return None;
            }
        }
    }
}

/// Kills the child and every process of its group, and reaps it.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let group = rustix::process::Pid::from_child(child);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(unix)]
fn cpu_exceeded(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    // RLIMIT_CPU's soft limit.
    status.signal() == Some(rustix::process::Signal::XCPU.as_raw())
}

#[cfg(not(unix))]
fn cpu_exceeded(_: &std::process::ExitStatus) -> bool {
    false
}

/// Lowers this process's limits: its address space, its CPU time, and no
/// core file (a dump of a reader that aborted would hold the attachment's
/// text). A limit the host already sets lower stays.
#[cfg(unix)]
fn limit_self(memory: u64, cpu_seconds: u64) -> std::io::Result<()> {
    use rlimit::{getrlimit, setrlimit, Resource};
    for (resource, soft, hard) in [
        (Resource::CORE, 0, 0),
        (Resource::AS, memory, memory),
        (Resource::CPU, cpu_seconds, cpu_seconds + 1),
    ] {
        let (_, max) = getrlimit(resource)?;
        setrlimit(resource, soft.min(max), hard.min(max))?;
    }
    Ok(())
}

/// The child's scheduling priority (nice): below the server's, not so
/// far below that a reading under a full load misses its deadline.
#[cfg(unix)]
const EXTRACT_NICENESS: i32 = 10;

/// The child's side (`leakguard extract`): lowers its limits, reads the
/// file from stdin, writes the outcome to stdout.
pub fn serve(limits: &Limits, memory_mib: u64, cpu_seconds: u64, max_input: u64) -> ExitCode {
    #[cfg(unix)]
    if limit_self(memory_mib << 20, cpu_seconds).is_err() {
        return ExitCode::FAILURE;
    }
    // Reading yields to answering webhooks: on two cores an OCR reading
    // takes a whole core, and at normal priority it halved the webhook's
    // requests per second under load. The OCR engine inherits this.
    #[cfg(unix)]
    let _ = rustix::process::setpriority_process(None, EXTRACT_NICENESS);
    // Killed with the server: a replica that dies mid-extraction leaves
    // no reader behind (the job is taken over when its claim lapses).
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getppid, set_parent_process_death_signal, Signal};
        let orphaned = set_parent_process_death_signal(Some(Signal::KILL)).is_err()
            || getppid().is_none_or(|p| p.as_raw_nonzero().get() == 1);
        if orphaned {
            return ExitCode::FAILURE;
        }
    }
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(max_input + 1)
        .read_to_end(&mut bytes);
    let outcome = match read {
        Err(_) => Outcome::NotScanned(NotScanned::Malformed),
        Ok(n) if n as u64 > max_input => Outcome::NotScanned(NotScanned::TooLarge),
        Ok(_) => match extract(&bytes, limits) {
            Ok(e) => Outcome::Extracted(e),
            Err(reason) => Outcome::NotScanned(reason),
        },
    };
    let json = serde_json::to_vec(&outcome).expect("an outcome serializes");
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(&json)
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
