//! The command line.

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tousu_intake::decode::Encoding;
use tousu_intake::formats::Format;
use tousu_intake::import::{ImportOptions, import_file, write_error_report};
use tousu_store::{Backend, ImportCounts, sqlite::SqliteStore};

#[derive(Parser)]
#[command(name = "tousu", version, about = "tousu (投诉): complaint intelligence and case handling")]
struct Cli {
    /// SQLite database file (created on first use).
    #[arg(long, global = true, env = "TOUSU_DB", default_value = "tousu.db")]
    db: PathBuf,
    /// Directory of institution overrides: workflow.toml, regimes.toml, clock-policy.toml,
    /// calendars/<id>-<year>.toml.
    #[arg(long, global = true, env = "TOUSU_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Import complaints from CSV or XLSX files (tousu template, CFPB or Texas TDI exports).
    Import(ImportArgs),
    /// Write the import template (.xlsx with a column-description sheet, or .csv plus NAME.columns.csv).
    Template {
        #[arg(long)]
        out: PathBuf,
        /// Header language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Serve the HTTP API (and web UI).
    Serve(ServeArgs),
    /// Generate realistic complaints in the import format, with ground truth in FILE.truth.csv.
    Gen {
        #[arg(long, default_value_t = 20_000)]
        count: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Run the product on a fresh SQLite store with generated demo data.
    Demo {
        #[arg(long, default_value_t = 20_000)]
        count: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory for the demo database and data (default: a new temporary directory).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        which: UserCmd,
    },
    /// Manage API tokens for integrators.
    Token {
        #[command(subcommand)]
        which: TokenCmd,
    },
    /// Analyse a complaint text from standard input and print the analysis as JSON.
    AnalyzeText,
    /// Evaluate the text analysis on the labelled corpus: per-label precision, recall, F1 and
    /// the category confusion matrix, train and held-out separately.
    Eval {
        /// Directory holding zh.jsonl and en.jsonl.
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// train, heldout or all.
        #[arg(long, default_value = "all")]
        split: String,
    },
    /// Re-run the text analysis on stored complaints (stale ones, or all with --all).
    Reanalyze {
        #[arg(long)]
        all: bool,
    },
    /// Deadline clocks.
    Deadlines {
        #[command(subcommand)]
        which: DeadlineCmd,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        which: AuditCmd,
    },
    /// Case assessment of one complaint: the five dimensions, legal checks, risk grade with
    /// reasons, the selected playbook and its scripts (stored as the complaint's grade).
    Assess {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Recompute the stored assessments (stale ones, or all with --all).
    Reassess {
        #[arg(long)]
        all: bool,
    },
    /// Negotiation plan for a complaint: entitlement first, then the goodwill ladder.
    Plan {
        id: i64,
        /// What the contract and the law owe (paid in full), e.g. 20000 or ¥20,000.
        #[arg(long)]
        entitlement: String,
        /// The authorised goodwill maximum above the entitlement.
        #[arg(long)]
        goodwill: String,
        /// The amount demanded (default: the complaint's demands).
        #[arg(long)]
        demand: Option<String>,
        /// Save the plan with the complaint (audited).
        #[arg(long)]
        save: bool,
        #[arg(long)]
        json: bool,
    },
    /// Check a draft reply (FILE, or - for standard input) for taboos; exit 3 when flagged.
    CheckReply {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Complainant persons (identity resolution over every complaint).
    Persons {
        #[command(subcommand)]
        which: PersonsCmd,
    },
    /// Print a complainant's profile worksheet (投诉人画像工具表). PERSON is a person id, or
    /// c<ID> for the person of complaint ID.
    Profile {
        person: String,
        /// zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Print the full profile as JSON instead.
        #[arg(long)]
        json: bool,
        /// Also write the worksheet as XLSX.
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// Analytics over the whole history.
    Analytics {
        #[command(subcommand)]
        which: AnalyticsCmd,
    },
    /// Benchmarks that print figures (not tests).
    Bench {
        #[command(subcommand)]
        which: BenchCmd,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user. Without --password a random one is generated and printed.
    Add {
        /// handler, supervisor, analyst or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        team: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Initial password (at least 8 characters); prefer TOUSU_PASSWORD or the generated one.
        #[arg(long, env = "TOUSU_PASSWORD")]
        password: Option<String>,
        name: String,
    },
    /// List users.
    List,
}

#[derive(Subcommand)]
enum DeadlineCmd {
    /// Recompute the due dates of every open complaint.
    Recompute,
    /// Print one complaint's clocks.
    Show { id: i64 },
}

#[derive(Subcommand)]
enum PersonsCmd {
    /// Resolve every complaint into persons and rebuild every profile summary.
    Rebuild,
    /// Re-resolve complaints that are new or changed since they were linked.
    Refresh,
}

#[derive(Subcommand)]
enum AnalyticsCmd {
    /// Profile fields (age band, gender, region, channel, motive) per category and product line
    /// against the whole, with over-represented cells.
    Profiles {
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Print the whole analysis as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain of the whole audit trail; name the first broken row.
    Verify,
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create an API token acting as USER; the token is printed once.
    Add {
        #[arg(long)]
        user: String,
        /// A label for the token (e.g. the integrating system).
        name: String,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Generate N rows, import them into a fresh SQLite file; print rows/s and peak RSS.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Working directory (default: a temporary directory, removed afterwards).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Resolve and profile N generated complaints (rebuild), then time single new complaints.
    Persons {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Working directory; the database there is reused when it has the rows.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// New complaints timed one by one after the rebuild.
        #[arg(long, default_value_t = 200)]
        updates: usize,
    },
    /// Compute the deadline clocks of N open complaints in memory.
    Deadlines {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
    },
    /// Server times of dashboard, queue and case pages with N complaints (p50/p95).
    Web {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Working directory; the database there is reused when it is big enough.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Requests per measured line.
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
}

#[derive(clap::Args)]
struct ImportArgs {
    /// Files to import (.csv, .xlsx).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// auto, tousu, cfpb or tx-tdi.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Source system name for rows that name none (default: import; cfpb and tx-tdi use their own).
    #[arg(long)]
    source: Option<String>,
    /// Order of day and month in dates like 03/04/2024: auto, mdy or dmy.
    #[arg(long, default_value = "auto")]
    date_order: String,
    /// Encoding of CSV files: auto, utf-8, gb18030 (gbk), utf-16le, utf-16be.
    #[arg(long, default_value = "auto")]
    encoding: String,
    /// Row-error report (CSV); default FILE.errors.csv beside each input.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// Rows per committed batch.
    #[arg(long, default_value_t = 5000)]
    batch_size: usize,
}

#[derive(clap::Args, Clone)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "TOUSU_MAX_BODY", default_value_t = 1_048_576)]
    pub max_body: usize,
    /// Leave the Secure flag off cookies (only for plain-HTTP access from another machine).
    #[arg(long)]
    pub insecure_cookies: bool,
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Benchmarks print figures; per-request logs would drown them.
    init_tracing(if matches!(cli.cmd, Cmd::Bench { .. }) { "warn" } else { "info" });
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

fn init_tracing(default: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("TOUSU_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn open_store(db: &Path) -> Result<Arc<dyn Backend>> {
    let s = SqliteStore::open(db).with_context(|| format!("opening database {}", db.display()))?;
    Ok(Arc::new(s))
}

fn run(cli: Cli) -> Result<std::process::ExitCode> {
    match cli.cmd {
        Cmd::Import(args) => import(&cli.db, cli.config.as_deref(), args),
        Cmd::Template { out, lang } => {
            let lang = match lang.as_str() {
                "zh" | "zh-CN" => tousu_intake::template::Lang::Zh,
                "en" => tousu_intake::template::Lang::En,
                other => bail!("unknown language {other:?} (zh or en)"),
            };
            for f in tousu_intake::template::write_template(&out, lang)? {
                println!("wrote {}", f.display());
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Serve(args) => {
            let store = open_store(&cli.db)?;
            let engine = Arc::new(crate::engine::Engine::load(cli.config.as_deref())?);
            let n = engine.recompute(store.as_store(), true)?;
            if n > 0 {
                tracing::info!(complaints = n, "deadlines computed for complaints without one");
            }
            // Texts without a current analysis are analysed in the background, then persons and
            // assessments are brought up to date, in that order.
            {
                let (store, engine) = (store.clone(), engine.clone());
                std::thread::spawn(move || {
                    match engine.reanalyze(store.as_store(), false) {
                        Ok(n) if n > 0 => tracing::info!(complaints = n, "texts analysed"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "text analysis failed"),
                    }
                    match engine.refresh_persons(&*store) {
                        Ok(n) if n > 0 => tracing::info!(complaints = n, "persons refreshed"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "persons refresh failed"),
                    }
                    // Then complaints without a current assessment (which uses both).
                    match engine.reassess(&*store, false) {
                        Ok(n) if n > 0 => tracing::info!(complaints = n, "complaints assessed"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "assessment failed"),
                    }
                });
            }
            crate::server::serve_blocking(store, engine, args)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Gen { count, seed, out } => {
            let stats = generate(count, seed, &out)?;
            println!(
                "wrote {} rows to {} ({} persons, {} rings with {} rows, {} surge rows, {} group rows); truth in {}",
                stats.rows,
                out.display(),
                stats.persons,
                stats.rings,
                stats.ring_rows,
                stats.surge_rows,
                stats.group_rows,
                truth_path(&out).display()
            );
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Demo { count, seed, dir, addr } => demo(count, seed, dir, addr, cli.config.as_deref()),
        Cmd::AnalyzeText => {
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("reading standard input")?;
            println!("{}", serde_json::to_string_pretty(&engine.analyzer.analyze(&text))?);
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Eval { corpus, split } => {
            use tousu_core::text::eval::{self, Record, Split};
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let splits: Vec<Split> = match split.as_str() {
                "train" => vec![Split::Train],
                "heldout" => vec![Split::Heldout],
                "all" => vec![Split::Train, Split::Heldout],
                other => bail!("unknown split {other:?} (train, heldout, all)"),
            };
            for lang in ["zh", "en"] {
                let path = corpus.join(format!("{lang}.jsonl"));
                let src = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                let records = eval::parse_jsonl(&src).with_context(|| path.display().to_string())?;
                for sp in &splits {
                    let set: Vec<&Record> = records.iter().filter(|r| r.split == *sp).collect();
                    println!("==================== {lang} {sp:?}: {} texts ====================", set.len());
                    print!("{}", eval::evaluate(&engine.analyzer, &set));
                }
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Reanalyze { all } => {
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let t = std::time::Instant::now();
            let n = engine.reanalyze(store.as_store(), all)?;
            println!("analysed {n} complaint texts in {:.1} s", t.elapsed().as_secs_f64());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Deadlines { which: DeadlineCmd::Recompute } => {
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let t = std::time::Instant::now();
            let n = engine.recompute(store.as_store(), false)?;
            println!("recomputed the due dates of {n} open complaints in {:.2} s", t.elapsed().as_secs_f64());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Deadlines { which: DeadlineCmd::Show { id } } => {
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let id = tousu_store::ComplaintId(id);
            let s = store.get(id)?.with_context(|| format!("no complaint {}", id.0))?;
            let clocks = engine.clocks_of(&s, &store.events(id)?, crate::engine::today());
            println!("{}", serde_json::to_string_pretty(&clocks)?);
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::User { which: UserCmd::Add { role, team, display_name, password, name } } => {
            let store = open_store(&cli.db)?;
            let role = tousu_core::Role::parse(&role)
                .with_context(|| format!("unknown role {role:?} (handler, supervisor, analyst, admin)"))?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(crate::server::auth::random_password);
            let display = display_name.unwrap_or_else(|| name.clone());
            let u = crate::server::auth::create_user(&*store, &name, &display, role, team.as_deref(), &password)?;
            println!("created user {} ({})", u.username, u.role.code());
            if generated {
                println!("password: {password}");
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::User { which: UserCmd::List } => {
            let store = open_store(&cli.db)?;
            for u in store.users()? {
                println!("{}\t{}\t{}\t{}", u.username, u.role.code(), u.team.unwrap_or_default(), u.display_name);
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Token { which: TokenCmd::Add { user, name } } => {
            let store = open_store(&cli.db)?;
            let u = store.user_by_name(&user)?.with_context(|| format!("no user {user:?}"))?;
            let token = crate::server::auth::random_hex(24);
            store.create_api_token(&crate::server::auth::sha256_hex(&token), u.id, &name)?;
            println!("{token}");
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Audit { which: AuditCmd::Verify } => {
            let store = open_store(&cli.db)?;
            let r = store.audit_verify()?;
            match r.first_broken {
                None => {
                    println!("audit trail intact: {} rows; head {}", r.rows, r.head.as_deref().unwrap_or("-"));
                    Ok(std::process::ExitCode::SUCCESS)
                }
                Some((id, why)) => {
                    println!("audit trail BROKEN at row {id}: {why} ({} rows checked)", r.rows);
                    Ok(std::process::ExitCode::from(2))
                }
            }
        }
        Cmd::Assess { id, json } => {
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            crate::assess::cli_assess(&*store, &engine, id, json)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Reassess { all } => {
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let t = std::time::Instant::now();
            let n = engine.reassess(&*store, all)?;
            println!("assessed {n} complaints in {:.1} s", t.elapsed().as_secs_f64());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Plan { id, entitlement, goodwill, demand, save, json } => {
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            crate::assess::cli_plan(&*store, &engine, id, &entitlement, &goodwill, demand.as_deref(), save, json)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::CheckReply { file, json } => {
            let engine = crate::engine::Engine::load(cli.config.as_deref())?;
            let clean = crate::assess::cli_check_reply(&engine, &file, json)?;
            Ok(if clean { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::from(3) })
        }
        Cmd::Bench { which: BenchCmd::Import { rows, dir } } => bench_import(rows, dir),
        Cmd::Bench { which: BenchCmd::Persons { rows, dir, updates } } => {
            crate::bench::bench_persons(rows, dir, updates)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Persons { ref which } => persons_cmd(&cli, which),
        Cmd::Profile { ref person, ref lang, json, ref xlsx } => profile_cmd(&cli, person, lang, json, xlsx.as_deref()),
        Cmd::Analytics { which: AnalyticsCmd::Profiles { ref csv, ref xlsx, json } } => {
            analytics_profiles(&cli, csv.as_deref(), xlsx.as_deref(), json)
        }
        Cmd::Bench { which: BenchCmd::Deadlines { rows } } => {
            crate::bench::bench_deadlines(rows)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Bench { which: BenchCmd::Web { rows, dir, requests } } => {
            crate::bench::bench_web(rows, dir, requests)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

pub fn truth_path(out: &Path) -> PathBuf {
    let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("complaints");
    out.with_file_name(format!("{stem}.truth.csv"))
}

pub fn generate(count: u64, seed: u64, out: &Path) -> Result<tousu_gen::GenStats> {
    let f = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let tp = truth_path(out);
    let t = std::fs::File::create(&tp).with_context(|| format!("creating {}", tp.display()))?;
    let stats = tousu_gen::generate(
        &tousu_gen::GenConfig { count, seed },
        std::io::BufWriter::with_capacity(1 << 20, f),
        std::io::BufWriter::new(t),
    )
    .with_context(|| format!("writing {}", out.display()))?;
    Ok(stats)
}

fn import_options(args: &ImportArgs) -> Result<ImportOptions> {
    let format = match args.format.as_str() {
        "auto" => None,
        f => Some(Format::parse(f).with_context(|| format!("unknown format {f:?} (auto, tousu, cfpb, tx-tdi)"))?),
    };
    let encoding = match args.encoding.as_str() {
        "auto" => None,
        e => Some(Encoding::parse(e).with_context(|| format!("unknown encoding {e:?}"))?),
    };
    let date_order = tousu_core::parse::DateOrder::parse(&args.date_order)
        .with_context(|| format!("unknown date order {:?} (auto, mdy, dmy)", args.date_order))?;
    Ok(ImportOptions {
        format,
        source: args.source.clone(),
        date_order,
        encoding,
        batch_size: args.batch_size,
        ..Default::default()
    })
}

fn import(db: &Path, config: Option<&Path>, args: ImportArgs) -> Result<std::process::ExitCode> {
    let store = open_store(db)?;
    let engine = crate::engine::Engine::load(config)?;
    let opts = import_options(&args)?;
    let show_bar = std::io::stderr().is_terminal() && !args.json;
    let mut reports = Vec::new();
    let mut totals = ImportCounts::default();
    let started = std::time::Instant::now();
    for file in &args.files {
        let bar = if show_bar {
            let b = indicatif::ProgressBar::new(std::fs::metadata(file).map(|m| m.len()).unwrap_or(0));
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {percent}% {pos}/{len} B, eta {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message(file.display().to_string());
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        let report = import_file(store.as_store(), file, &opts, &|p| bar.set_position(p.position))?;
        bar.finish_and_clear();
        let errors = store.import_errors(report.run_id)?;
        let errors_file = if errors.is_empty() {
            None
        } else {
            let path = match &args.errors {
                Some(p) if args.files.len() == 1 => p.clone(),
                Some(p) => {
                    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("import");
                    p.with_file_name(format!("{stem}.errors.csv"))
                }
                None => {
                    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("import");
                    file.with_file_name(format!("{stem}.errors.csv"))
                }
            };
            write_error_report(&path, &errors)?;
            Some(path)
        };
        totals.add(&report.counts);
        if !args.json {
            let c = &report.counts;
            println!(
                "{}: {} format, {} read, {} created, {} updated, {} unchanged, {} rejected, {} warnings{}",
                report.file,
                report.format,
                c.read,
                c.created,
                c.updated,
                c.unchanged,
                c.rejected,
                c.warnings,
                if report.resumed { " (resumed an interrupted import)" } else { "" }
            );
            if let Some(p) = &errors_file {
                println!("  row problems written to {}", p.display());
            }
        }
        reports.push(serde_json::json!({
            "file": report.file,
            "format": report.format,
            "encoding": report.encoding,
            "run_id": report.run_id,
            "resumed": report.resumed,
            "read": report.counts.read,
            "created": report.counts.created,
            "updated": report.counts.updated,
            "unchanged": report.counts.unchanged,
            "rejected": report.counts.rejected,
            "warnings": report.counts.warnings,
            "errors_file": errors_file.map(|p| p.display().to_string()),
        }));
    }
    // New complaints get their deadline clocks and their text analysis.
    engine.recompute(store.as_store(), true)?;
    engine.reanalyze(store.as_store(), false)?;
    engine.refresh_persons(&*store)?;
    engine.reassess(&*store, false)?;
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        let summary = serde_json::json!({
            "read": totals.read,
            "created": totals.created,
            "updated": totals.updated,
            "unchanged": totals.unchanged,
            "rejected": totals.rejected,
            "warnings": totals.warnings,
            "seconds": (secs * 1000.0).round() / 1000.0,
            "files": reports,
        });
        println!("{summary}");
    } else if args.files.len() > 1 {
        println!(
            "total: {} read, {} created, {} updated, {} unchanged, {} rejected in {:.1} s",
            totals.read, totals.created, totals.updated, totals.unchanged, totals.rejected, secs
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn demo(
    count: u64,
    seed: u64,
    dir: Option<PathBuf>,
    addr: String,
    config: Option<&Path>,
) -> Result<std::process::ExitCode> {
    let engine = Arc::new(crate::engine::Engine::load(config)?);
    let (dir, _keep) = match dir {
        Some(d) => {
            std::fs::create_dir_all(&d)?;
            (d, None)
        }
        None => {
            let t = std::env::temp_dir().join(format!("tousu-demo-{}", std::process::id()));
            std::fs::create_dir_all(&t)?;
            (t.clone(), Some(t))
        }
    };
    let data = dir.join("demo.csv");
    let db = dir.join("tousu.db");
    if db.exists() {
        std::fs::remove_file(&db)?;
        let _ = std::fs::remove_file(dir.join("tousu.db-wal"));
        let _ = std::fs::remove_file(dir.join("tousu.db-shm"));
    }
    eprintln!("generating {count} complaints …");
    generate(count, seed, &data)?;
    let store = open_store(&db)?;
    eprintln!("importing into {} …", db.display());
    let report = import_file(store.as_store(), &data, &ImportOptions::default(), &|_| {})?;
    eprintln!("imported {} complaints ({} rejected)", report.counts.created, report.counts.rejected);
    let creds = crate::server::demo_setup(&*store)?;
    engine.recompute(store.as_store(), false)?;
    engine.reanalyze(store.as_store(), false)?;
    eprintln!("profiling …");
    engine.rebuild_persons(&*store)?;
    eprintln!("assessing …");
    engine.reassess(&*store, true)?;
    println!("tousu demo: database {}", db.display());
    println!("demo users (username / role / password):");
    for (name, role, password) in &creds {
        println!("  {name:<11} {role:<11} {password}");
    }
    crate::server::serve_blocking(store, engine, ServeArgs { addr, max_body: 1_048_576, insecure_cookies: false })?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// Peak resident set size of this process, in bytes (Linux).
pub fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn bench_import(rows: u64, dir: Option<PathBuf>) -> Result<std::process::ExitCode> {
    let tmp = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("tousu-bench-{}", std::process::id())));
    std::fs::create_dir_all(&tmp)?;
    let data = tmp.join("bench.csv");
    let db = tmp.join("bench.db");
    let _ = std::fs::remove_file(&db);
    let t0 = std::time::Instant::now();
    generate(rows, 42, &data)?;
    let gen_s = t0.elapsed().as_secs_f64();
    let size = std::fs::metadata(&data)?.len();
    let store = open_store(&db)?;
    let t1 = std::time::Instant::now();
    let mut opts = ImportOptions::default();
    if let Some(b) = std::env::var("TOUSU_BENCH_BATCH").ok().and_then(|v| v.parse().ok()) {
        opts.batch_size = b;
    }
    let report = import_file(store.as_store(), &data, &opts, &|_| {})?;
    let imp_s = t1.elapsed().as_secs_f64();
    let db_size = std::fs::metadata(&db)?.len();
    println!("generate: {rows} rows, {:.1} MB in {gen_s:.1} s ({:.0} rows/s)", size as f64 / 1e6, rows as f64 / gen_s);
    println!(
        "import:   {} created, {} rejected in {imp_s:.1} s = {:.0} rows/s, {:.1} MB/s; database {:.1} MB",
        report.counts.created,
        report.counts.rejected,
        report.counts.read as f64 / imp_s,
        size as f64 / 1e6 / imp_s,
        db_size as f64 / 1e6
    );
    if let Some((r, w)) = report.cpu_seconds {
        println!(
            "threads:  reader {r:.1} CPU s ({:.0} rows/s alone), writer {w:.1} CPU s ({:.0} rows/s alone)",
            rows as f64 / r,
            rows as f64 / w
        );
    }
    println!("peak RSS: {:.1} MB", peak_rss().unwrap_or(0) as f64 / 1e6);
    drop(store);
    for f in [data.clone(), truth_path(&data), db.clone(), tmp.join("bench.db-wal"), tmp.join("bench.db-shm")] {
        let _ = std::fs::remove_file(f);
    }
    let _ = std::fs::remove_dir(&tmp);
    Ok(std::process::ExitCode::SUCCESS)
}

fn persons_cmd(cli: &Cli, which: &PersonsCmd) -> Result<std::process::ExitCode> {
    let store = open_store(&cli.db)?;
    let engine = crate::engine::Engine::load(cli.config.as_deref())?;
    let t = std::time::Instant::now();
    match which {
        PersonsCmd::Rebuild => {
            let r = engine.rebuild_persons(&*store)?;
            println!(
                "{} complaints -> {} persons ({} links, {} merges refused) in {:.1} s (identities read and resolved {:.1}, profiles built and written {:.1})",
                r.complaints,
                r.persons,
                r.links,
                r.refusals,
                t.elapsed().as_secs_f64(),
                r.seconds_resolve,
                r.seconds_profile_write
            );
        }
        PersonsCmd::Refresh => {
            let n = engine.refresh_persons(&*store)?;
            println!("{n} complaints re-resolved in {:.2} s", t.elapsed().as_secs_f64());
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn profile_cmd(cli: &Cli, person: &str, lang: &str, json: bool, xlsx: Option<&Path>) -> Result<std::process::ExitCode> {
    let store = open_store(&cli.db)?;
    let engine = crate::engine::Engine::load(cli.config.as_deref())?;
    let id = match person.strip_prefix('c') {
        Some(c) => {
            let c: i64 = c.parse().with_context(|| format!("not a complaint id: {person:?}"))?;
            store
                .as_persons()
                .person_of(tousu_store::ComplaintId(c))?
                .with_context(|| format!("complaint {c} has no person yet (run tousu persons refresh)"))?
                .person_id
        }
        None => {
            person.parse().with_context(|| format!("not a person id: {person:?} (a number, or c<complaint id>)"))?
        }
    };
    let v = engine.profile(&*store, id)?.with_context(|| format!("no person {id}"))?;
    let t = crate::web::i18n::T::new(if lang == "en" { "en" } else { "zh-CN" });
    if json {
        println!("{}", serde_json::to_string_pretty(&v.profile)?);
    } else {
        print!("{}", crate::web::profile::worksheet_text(&t, &v));
    }
    if let Some(path) = xlsx {
        std::fs::write(path, crate::web::profile::worksheet_xlsx(&t, &v)?)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("worksheet written to {}", path.display());
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn analytics_profiles(
    cli: &Cli,
    csv: Option<&Path>,
    xlsx: Option<&Path>,
    json: bool,
) -> Result<std::process::ExitCode> {
    let store = open_store(&cli.db)?;
    let engine = crate::engine::Engine::load(cli.config.as_deref())?;
    let p = engine.population(&*store)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&p)?);
    } else {
        println!(
            "{} complaints with a person; over-represented cells (lift >= {:.2}, n >= {}, z >= {:.1}):",
            p.total, p.min_lift, p.min_count, p.min_z
        );
        println!(
            "{:<10} {:<13} {:<24} {:<18} {:>8} {:>8} {:>8} {:>6}",
            "field", "grouping", "group", "value", "count", "share", "overall", "lift"
        );
        for h in &p.highlights {
            println!(
                "{:<10} {:<13} {:<24} {:<18} {:>8} {:>7.1}% {:>7.1}% {:>6.2}",
                h.field,
                h.grouping,
                h.group,
                h.value,
                h.count,
                h.share * 100.0,
                h.overall_share * 100.0,
                h.lift
            );
        }
    }
    if let Some(path) = csv {
        std::fs::write(path, crate::web::profile::population_csv(&p)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = xlsx {
        std::fs::write(path, crate::web::profile::population_xlsx(&p)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}
