use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use gas_engine::bundle::{self, BuildOptions, Bundle};
use gas_engine::{AnnotateOptions, Summary, annotate, input};

/// Annotates VCF files with known rsIDs, genes, region classes, overlap tracks and (with transcripts
/// and a reference in the bundle) BCSQ consequences, and builds the annotation bundle it reads.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Annotate a VCF file (plain, gzip or bgzip; `-` or nothing for stdin).
    Annotate(AnnotateArgs),
    /// Build, check or describe an annotation bundle.
    #[command(subcommand)]
    Bundle(BundleCommand),
}

#[derive(Args)]
struct AnnotateArgs {
    /// The annotation bundle directory.
    #[arg(long)]
    bundle: PathBuf,
    /// Where to write the annotated VCF (default stdout). A gzip input gives a bgzip output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Where to write the count log.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Where to write the summary as JSON.
    #[arg(long)]
    summary: Option<PathBuf>,
    /// The input VCF; `-` or nothing reads stdin.
    input: Option<PathBuf>,
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Build a bundle from standard sources.
    Build(BuildArgs),
    /// Check the bundle's data against its manifest checksum.
    Verify { dir: PathBuf },
    /// Print the bundle's manifest.
    Info { dir: PathBuf },
}

#[derive(Args)]
struct BuildArgs {
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Gene models as GFF3 (Ensembl, GENCODE).
    #[arg(long, conflicts_with = "gtf")]
    gff3: Option<PathBuf>,
    /// Gene models as GTF.
    #[arg(long)]
    gtf: Option<PathBuf>,
    /// The reference sequence (its contig lengths are recorded).
    #[arg(long)]
    fasta: Option<PathBuf>,
    /// Known variants (a dbSNP-like VCF, plain or gzip).
    #[arg(long)]
    known: Option<PathBuf>,
    /// INFO fields of the known variants to carry, comma-separated (written as KNOWN_<field>).
    #[arg(long, value_delimiter = ',')]
    known_info: Vec<String>,
    /// An overlap track as NAME=FILE.bed; repeat for several.
    #[arg(long, value_parser = parse_pair)]
    bed: Vec<(String, PathBuf)>,
    /// The assembly the sources use (GRCh37, GRCh38, …).
    #[arg(long)]
    assembly: String,
    /// Bases upstream of a transcription start that count as promoter.
    #[arg(long, default_value_t = 500)]
    promoter_window: u32,
    /// An extra contig alias as ALIAS=CONTIG; repeat for several.
    #[arg(long, value_parser = parse_pair)]
    alias: Vec<(String, PathBuf)>,
}

fn parse_pair(text: &str) -> Result<(String, PathBuf), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("expected NAME=VALUE, got {text:?}"))?;
    Ok((name.to_owned(), PathBuf::from(value)))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Annotate(args) => run_annotate(&args),
        Command::Bundle(BundleCommand::Build(args)) => run_build(args),
        Command::Bundle(BundleCommand::Verify { dir }) => Bundle::open(&dir)
            .and_then(|b| b.verify())
            .map(|()| eprintln!("gas-annotate: {} is intact", dir.display()))
            .map_err(|e| e.to_string()),
        Command::Bundle(BundleCommand::Info { dir }) => Bundle::open(&dir)
            .map(|b| println!("{}", serde_json::to_string_pretty(&b.manifest).expect("serializes")))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gas-annotate: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_build(args: BuildArgs) -> Result<(), String> {
    let options = BuildOptions {
        out: args.out,
        gff3: args.gff3,
        gtf: args.gtf,
        fasta: args.fasta,
        known: args.known,
        known_info: args.known_info,
        beds: args.bed,
        assembly: args.assembly,
        promoter_window: args.promoter_window,
        aliases: args.alias.into_iter().map(|(a, c)| (a, c.display().to_string())).collect(),
    };
    let manifest = bundle::build(&options).map_err(|e| e.to_string())?;
    eprintln!(
        "gas-annotate: built {} ({}: {} genes, {} transcripts for consequences{}, {} known alleles, {} tracks, \
         {} contigs)",
        options.out.display(),
        manifest.assembly,
        manifest.genes,
        manifest.transcripts,
        if manifest.transcripts > 0 && !manifest.sequence { " (no --fasta: BCSQ off)" } else { "" },
        manifest.known_records,
        manifest.tracks.len(),
        manifest.contigs.len()
    );
    Ok(())
}

/// A file written under a temporary name and renamed into place only when complete, so a failed run
/// leaves nothing behind.
struct Pending {
    partial: PathBuf,
    target: PathBuf,
}

impl Pending {
    fn new(target: &Path) -> Self {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        Self { partial: target.with_file_name(name), target: target.to_owned() }
    }

    fn create(&self) -> Result<File, String> {
        File::create(&self.partial).map_err(|e| format!("cannot write {}: {e}", self.target.display()))
    }

    fn commit(self) -> Result<(), String> {
        std::fs::rename(&self.partial, &self.target)
            .map_err(|e| format!("cannot write {}: {e}", self.target.display()))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.partial);
    }
}

fn run_annotate(args: &AnnotateArgs) -> Result<(), String> {
    let bundle = Bundle::open(&args.bundle).map_err(|e| e.to_string())?;
    let mut input = input::open(args.input.as_deref()).map_err(|e| format!("cannot read the input: {e}"))?;
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    let options = AnnotateOptions { command_line, ..AnnotateOptions::default() };
    let progress = progress_bar();
    let mut tick = |n: u64| {
        if let Some(bar) = &progress {
            bar.set_position(n);
        }
    };

    let outputs: Vec<Pending> =
        [&args.output, &args.log, &args.summary].into_iter().flatten().map(|p| Pending::new(p)).collect();
    let summary: Summary = match &args.output {
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 18, stdout.lock());
            annotate(&bundle, &mut input.reader, &mut out, &options, &mut tick).map_err(|e| e.to_string())?
        }
        Some(_) if input.gzipped => {
            let file = outputs[0].create()?;
            let mut out = noodles_bgzf::io::Writer::new(BufWriter::with_capacity(1 << 18, file));
            let summary = annotate(&bundle, &mut input.reader, &mut out, &options, &mut tick)
                .map_err(|e| e.to_string())?;
            out.finish().map_err(|e| format!("cannot write the output: {e}"))?;
            summary
        }
        Some(_) => {
            let file = outputs[0].create()?;
            let mut out = BufWriter::with_capacity(1 << 18, file);
            let summary = annotate(&bundle, &mut input.reader, &mut out, &options, &mut tick)
                .map_err(|e| e.to_string())?;
            out.flush().map_err(|e| format!("cannot write the output: {e}"))?;
            summary
        }
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut outputs = outputs.into_iter();
    if args.output.is_some() {
        outputs.next().expect("output").commit()?;
    }
    if args.log.is_some() {
        let pending = outputs.next().expect("log");
        pending.create()?.write_all(summary.count_log().as_bytes()).map_err(|e| e.to_string())?;
        pending.commit()?;
    }
    if args.summary.is_some() {
        let pending = outputs.next().expect("summary");
        let json = serde_json::to_vec_pretty(&summary).expect("summary serializes");
        pending.create()?.write_all(&json).map_err(|e| e.to_string())?;
        pending.commit()?;
    }
    Ok(())
}

/// A spinner with a count on a terminal; nothing otherwise.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {human_pos} variants ({per_sec})").ok()?,
    );
    Some(bar)
}
