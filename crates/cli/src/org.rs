//! `rampart scan --org` / `--accounts FILE`: one scan per account, a bounded
//! number at a time, each through the role `--org-role` in that account
//! (the caller's own account with the caller's credentials), one snapshot
//! per account and an index ([`rampart_model::org::OrgIndex`]) in a
//! directory or an S3 prefix. `--shard I/N` keeps a stable slice of the
//! list for Kubernetes Indexed Jobs and AWS Batch array jobs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use futures::StreamExt;
use rampart_collector::org::{DEFAULT_ORG_ROLE, OrgAccount, is_role_name, member_options};
use rampart_collector::progress::{Progress, Task};
use rampart_collector::store::{S3Location, S3Store};
use rampart_collector::{ScanOptions, Session};
use rampart_model::org::{
    AccountEntry, AccountSource, AccountStatus, INDEX_SCHEMA_VERSION, OrgIndex, Shard,
    index_file_name,
};
use rampart_model::{Snapshot, TOOL_VERSION, ToolInfo};

use crate::{ConnectArgs, exit, output};

/// The multi-account flags of `rampart scan`.
#[derive(Args)]
pub(crate) struct MultiArgs {
    /// Scan every ACTIVE account of the organization (organizations:ListAccounts,
    /// from the management or a delegated administrator account), each through
    /// --org-role; needs --out DIR or --out s3://BUCKET/PREFIX/.
    #[arg(long)]
    pub(crate) org: bool,
    /// Scan the accounts listed in FILE instead of --org: one 12-digit id per
    /// line, `#` comments and blank lines allowed.
    #[arg(long, value_name = "FILE")]
    pub(crate) accounts: Option<PathBuf>,
    /// The role assumed in each account (arn:PARTITION:iam::ACCOUNT:role/NAME);
    /// the caller's own account is scanned with the caller's credentials.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ORG_ROLE)]
    pub(crate) org_role: String,
    /// Accounts scanned at once (each with its own --max-rps caps).
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) org_concurrency: u16,
    /// Scan only shard I (0-based) of N of the account list, e.g.
    /// `--shard $JOB_COMPLETION_INDEX/8`; an account's shard depends only on
    /// its id and N. Writes index-I-of-N.json.
    #[arg(long, value_name = "I/N")]
    pub(crate) shard: Option<String>,
}

impl MultiArgs {
    pub(crate) fn wanted(&self) -> bool {
        self.org || self.accounts.is_some()
    }

    /// True when any multi-account flag was given (so that a stray
    /// `--shard` without `--org` is an error, not ignored).
    fn any_given(&self) -> bool {
        self.wanted()
            || self.shard.is_some()
            || self.org_role != DEFAULT_ORG_ROLE
            || self.org_concurrency != 4
    }
}

/// Where the results go.
enum Dest {
    Dir(PathBuf),
    S3(S3Location),
}

impl Dest {
    fn describe(&self, name: &str) -> String {
        match self {
            Dest::Dir(d) => d.join(name).display().to_string(),
            Dest::S3(l) => l.url(name),
        }
    }
}

/// Validates the flags of a single-account scan against the multi-account
/// ones: `--shard` & co. without `--org`/`--accounts`, or an `s3://` out.
pub(crate) fn check_single(multi: &MultiArgs, out: Option<&Path>) -> Result<(), String> {
    if multi.any_given() {
        return Err(
            "--shard, --org-role and --org-concurrency need --org or --accounts FILE".into(),
        );
    }
    if let Some(out) = out
        && out.to_string_lossy().starts_with("s3://")
    {
        return Err(
            "--out s3://... is for multi-account scans (--org or --accounts FILE); a single \
             account's snapshot is a local file"
                .into(),
        );
    }
    Ok(())
}

/// The account list before anything is called: from the file, or `None`
/// for `--org` (listed after connecting).
struct Plan {
    file_accounts: Option<Vec<String>>,
    shard: Option<Shard>,
    dest: Dest,
}

fn plan(connect: &ConnectArgs, multi: &MultiArgs, out: Option<&Path>) -> Result<Plan, String> {
    if multi.org && multi.accounts.is_some() {
        return Err("--org and --accounts FILE are alternatives: give one".into());
    }
    if connect.role_arn.is_some() {
        return Err(
            "--role-arn is for a single account; with --org/--accounts the role is --org-role \
             NAME in each account"
                .into(),
        );
    }
    if !is_role_name(&multi.org_role) {
        return Err(format!(
            "--org-role {:?} is not an IAM role name (letters, digits, +=,.@_- and / for a path)",
            multi.org_role
        ));
    }
    let shard = multi
        .shard
        .as_deref()
        .map(rampart_model::accounts::parse_shard)
        .transpose()
        .map_err(|e| e.to_string())?;
    let Some(out) = out else {
        return Err(
            "--org/--accounts need --out DIR (one snapshot per account plus the index) or --out \
             s3://BUCKET/PREFIX/"
                .into(),
        );
    };
    let out_s = out.to_string_lossy();
    let dest = match S3Location::parse(&out_s).map_err(|e| format!("{e} (--out)"))? {
        Some(l) => Dest::S3(l),
        None => {
            let lower = out_s.to_ascii_lowercase();
            if lower.ends_with(".json") || lower.ends_with(".json.zst") || out.is_file() {
                return Err(format!(
                    "--out {} is a file; --org/--accounts write one snapshot per account plus an \
                     index into a directory (or s3://BUCKET/PREFIX/)",
                    out.display()
                ));
            }
            make_private_dir(out)?;
            // Fail before a long run if nothing could be saved there.
            rampart_model::io::check_writable(&out.join("index.json"))
                .map_err(|e| format!("{e} (--out)"))?;
            Dest::Dir(out.to_path_buf())
        }
    };
    let file_accounts = match &multi.accounts {
        None => None,
        Some(path) => {
            let limit = rampart_model::io::max_input_bytes().map_err(|e| e.to_string())?;
            let bytes = rampart_model::io::read_bounded(path, limit).map_err(|e| match e {
                rampart_model::io::BoundedReadError::Io(e) => {
                    format!("cannot read {}: {e} (--accounts)", path.display())
                }
                rampart_model::io::BoundedReadError::TooLarge { size, .. } => format!(
                    "{}: {size} bytes is over the input limit of {limit} bytes \
                     (RAMPART_MAX_INPUT_BYTES) (--accounts)",
                    path.display()
                ),
            })?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{}: not UTF-8 text (--accounts)", path.display()))?;
            let ids =
                rampart_model::accounts::parse_accounts_file(&path.display().to_string(), &text)
                    .map_err(|e| e.to_string())?;
            if ids.is_empty() {
                return Err(format!("{}: no account ids (--accounts)", path.display()));
            }
            Some(ids)
        }
    };
    Ok(Plan {
        file_accounts,
        shard,
        dest,
    })
}

/// Creates the output directory (and parents) with mode 0700 if missing.
fn make_private_dir(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| format!("cannot create directory {}: {e} (--out)", dir.display()))
}

/// What scanning one account produced.
struct Done {
    entry: AccountEntry,
}

/// `rampart scan --org|--accounts`: the exit code.
pub(crate) fn run(connect: &ConnectArgs, multi: &MultiArgs, out: Option<&Path>) -> u8 {
    let plan = match plan(connect, multi, out) {
        Ok(p) => p,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let caller_opts = match connect.options(true) {
        Ok(o) => o,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            output::error(&format!("cannot start the async runtime: {e}"));
            return exit::USAGE;
        }
    };
    runtime.block_on(run_async(connect.quiet, caller_opts, multi, plan))
}

async fn run_async(quiet: bool, caller_opts: ScanOptions, multi: &MultiArgs, plan: Plan) -> u8 {
    let started = Instant::now();
    let started_at = time::OffsetDateTime::now_utc();
    // The caller first: no credentials, an unreachable endpoint or a bad
    // region is a usage error before any account starts.
    let caller = match rampart_collector::connect(&caller_opts).await {
        Ok(s) => s,
        Err(e) => {
            output::error(&e);
            return exit::USAGE;
        }
    };
    let (listed, source): (Vec<OrgAccount>, AccountSource) = match &plan.file_accounts {
        Some(ids) => (
            ids.iter()
                .map(|id| OrgAccount {
                    account_id: id.clone(),
                    name: None,
                })
                .collect(),
            AccountSource::File {
                path: multi
                    .accounts
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            },
        ),
        None => match caller.list_accounts().await {
            Ok(a) => (
                a,
                AccountSource::Organizations {
                    management_account_id: caller.account_id().to_string(),
                },
            ),
            Err(e) => {
                output::error(&e);
                return exit::USAGE;
            }
        },
    };
    let selected: Vec<OrgAccount> = listed
        .into_iter()
        .filter(|a| plan.shard.is_none_or(|s| s.owns(&a.account_id)))
        .collect();

    let store: Option<Arc<S3Store>> = match &plan.dest {
        Dest::S3(l) => Some(Arc::new(caller.s3_store(l.clone()))),
        Dest::Dir(_) => None,
    };
    let caller_id = caller.account_id().to_string();
    let partition = caller.partition().to_string();
    // Warnings always reach stderr: --quiet silences progress only.
    for w in caller.warnings() {
        output::warn(&format!("account {caller_id}: {w}"));
    }
    let mut caller_session = Some(caller);

    let progress: Arc<dyn Progress> = output::progress(selected.len(), quiet, &[]);
    let dest = &plan.dest;
    let store_ref = &store;
    let caller_opts = &caller_opts;
    let role = multi.org_role.as_str();
    // The caller's own account reuses the connected session (no role: the
    // management account has no OrganizationAccountAccessRole).
    let jobs = selected.into_iter().map(|account| {
        let own = (account.account_id == caller_id)
            .then(|| caller_session.take())
            .flatten();
        let progress = progress.clone();
        let partition = partition.clone();
        async move {
            let task = Task {
                service: "account",
                region: Some(account.account_id.clone()),
            };
            progress.started(&task);
            let done = scan_one(
                account,
                own,
                caller_opts,
                &partition,
                role,
                dest,
                store_ref.as_deref(),
            )
            .await;
            progress.finished(&task, 1);
            done
        }
    });
    let mut done: Vec<Done> = futures::stream::iter(jobs)
        .buffer_unordered(usize::from(multi.org_concurrency))
        .collect()
        .await;
    drop(progress);
    done.sort_by(|a, b| a.entry.account_id.cmp(&b.entry.account_id));

    let index = OrgIndex {
        schema_version: INDEX_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: TOOL_VERSION.into(),
        },
        started_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        source,
        role_name: multi.org_role.clone(),
        shard: plan.shard,
        accounts: done.into_iter().map(|d| d.entry).collect(),
    };
    let index_name = index_file_name(plan.shard);
    let mut bytes = match serde_json::to_vec_pretty(&index) {
        Ok(b) => b,
        Err(e) => {
            output::error(&format!("cannot serialise the index: {e}"));
            return exit::USAGE;
        }
    };
    bytes.push(b'\n');
    if let Err(e) = put(dest, store.as_deref(), &index_name, bytes).await {
        output::error(&format!("{e} (--out)"));
        return exit::USAGE;
    }
    output::org_summary(&index, &dest.describe(&index_name));
    if index
        .accounts
        .iter()
        .all(|a| a.status == AccountStatus::Complete)
    {
        exit::OK
    } else {
        exit::INCOMPLETE
    }
}

/// Writes `bytes` as `name` in the directory (atomically, 0600) or the bucket.
async fn put(
    dest: &Dest,
    store: Option<&S3Store>,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), String> {
    match (dest, store) {
        (Dest::S3(_), Some(store)) => store.put(name, bytes).await,
        (Dest::Dir(dir), _) => {
            let path = dir.join(name);
            rampart_model::io::write_atomic(&path, |w| std::io::Write::write_all(w, &bytes))
                .map_err(|e| e.to_string())
        }
        (Dest::S3(l), None) => Err(format!("no S3 client for {}", l.url(name))),
    }
}

/// The bytes `Snapshot::save` writes, so a directory run and an S3 run
/// hold the same content.
fn snapshot_bytes(snapshot: &Snapshot) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    rampart_model::io::write_snapshot_json(&mut bytes, snapshot).map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[allow(clippy::too_many_arguments)]
async fn scan_one(
    account: OrgAccount,
    own: Option<Session>,
    caller_opts: &ScanOptions,
    partition: &str,
    role: &str,
    dest: &Dest,
    store: Option<&S3Store>,
) -> Done {
    let started = Instant::now();
    let id = account.account_id.clone();
    let failed = |error: String, started: Instant| {
        output::warn(&format!("account {id}: {error}"));
        Done {
            entry: AccountEntry {
                account_id: account.account_id.clone(),
                name: account.name.clone(),
                status: AccountStatus::Failed,
                snapshot: None,
                collection_errors: 0,
                error: Some(error),
                duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            },
        }
    };
    let session = match own {
        Some(s) => s,
        None => {
            let opts = member_options(caller_opts, partition, &id, role);
            let arn = opts.role_arn.clone().unwrap_or_default();
            match rampart_collector::connect(&opts).await {
                Ok(s) if s.account_id() == id => s,
                Ok(s) => {
                    return failed(
                        format!(
                            "sts:AssumeRole of {arn} gave credentials of account {}, not {id}",
                            s.account_id()
                        ),
                        started,
                    );
                }
                Err(e) => return failed(rampart_collector::org::start_error(&arn, &e), started),
            }
        }
    };
    // Warnings always reach stderr: --quiet silences progress only.
    for w in session.warnings() {
        output::warn(&format!("account {id}: {w}"));
    }
    let snapshot = session
        .collect(Arc::new(rampart_collector::progress::Silent))
        .await;
    let name = format!("{id}.json");
    let bytes = match snapshot_bytes(&snapshot) {
        Ok(b) => b,
        Err(e) => return failed(format!("cannot serialise the snapshot: {e}"), started),
    };
    if let Err(e) = put(dest, store, &name, bytes).await {
        return failed(format!("the snapshot could not be written: {e}"), started);
    }
    let errors = snapshot.collection_errors.len();
    Done {
        entry: AccountEntry {
            account_id: id,
            name: account.name,
            status: if snapshot.is_complete() {
                AccountStatus::Complete
            } else {
                AccountStatus::Incomplete
            },
            snapshot: Some(name),
            collection_errors: errors,
            error: None,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        },
    }
}
