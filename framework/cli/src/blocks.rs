//! `build-spec`, `purge-chain`, `export-blocks` and `import-blocks`.
//!
//! Block files use Substrate's binary export format: the block count as a little-endian `u64`,
//! then each block with its justifications, SCALE-encoded.

use std::io::{Read, Write};

use codec::{Decode, Encode};
use indicatif::{ProgressBar, ProgressStyle};
use sp_runtime::traits::Header as _;
use wcme_primitives::{Block, SignedBlock};
use wcme_service::{BlockOrigin, ImportError, NodeConfig, open_client};
use wcme_storage::{ChainDb, DbConfig};

use crate::{
    NodeSpec,
    cli::{BuildSpecCmd, ExportBlocksCmd, ImportBlocksCmd, PurgeChainCmd},
    error::CliError,
    run::{base_path, load_chain_spec},
};

/// `build-spec [--raw]`: prints the chain spec JSON.
pub(crate) fn build_spec(spec: &NodeSpec, cmd: &BuildSpecCmd) -> Result<(), CliError> {
    let chain_spec = load_chain_spec(spec, &cmd.shared)?;
    let chain_spec = if cmd.raw {
        let genesis = spec
            .runtime_for(&chain_spec)?
            .build_genesis(&chain_spec.genesis_source()?)?;
        chain_spec.into_raw(&genesis.storage)
    } else {
        chain_spec
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", chain_spec.to_json()).map_err(CliError::io("writing the chain spec"))
}

/// `purge-chain`: deletes the chain database.
pub(crate) fn purge_chain(spec: &NodeSpec, cmd: &PurgeChainCmd) -> Result<(), CliError> {
    let chain_spec = load_chain_spec(spec, &cmd.shared)?;
    let path = NodeConfig::database_path_for(&base_path(spec, &cmd.shared)?, &chain_spec.id);
    if !path.exists() {
        eprintln!("{} did not exist.", path.display());
        return Ok(());
    }
    if !cmd.yes {
        eprint!("Are you sure to remove {:?}? [y/N]: ", path);
        std::io::stderr()
            .flush()
            .map_err(CliError::io("writing the prompt"))?;
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(CliError::io("reading the answer"))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("Aborted");
            return Ok(());
        }
    }
    std::fs::remove_dir_all(&path).map_err(CliError::io(format!("removing {}", path.display())))?;
    eprintln!("{:?} removed.", path);
    // The compiled contracts next to it are derived from the chain's code: they go with it.
    let artifacts = crate::run::contract_artifact_dir(&path);
    if artifacts.exists() {
        std::fs::remove_dir_all(&artifacts)
            .map_err(CliError::io(format!("removing {}", artifacts.display())))?;
        eprintln!("{:?} removed.", artifacts);
    }
    Ok(())
}

fn progress(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} blocks ({per_sec}, eta {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// `export-blocks`: writes blocks `from..=to` of the canonical chain.
pub(crate) fn export_blocks(spec: &NodeSpec, cmd: &ExportBlocksCmd) -> Result<(), CliError> {
    let chain_spec = load_chain_spec(spec, &cmd.shared)?;
    let path = NodeConfig::database_path_for(&base_path(spec, &cmd.shared)?, &chain_spec.id);
    if !path.exists() {
        return Err(CliError::BadArgument(format!(
            "no database at {}",
            path.display()
        )));
    }
    let db = ChainDb::open(&path, &DbConfig::default())?;
    let info = db.require_info()?;
    let to = cmd.to.unwrap_or(info.best.0).min(info.best.0);
    if cmd.from > to {
        return Err(CliError::BadArgument(format!(
            "--from {} is above the last block to export (#{to})",
            cmd.from
        )));
    }
    let count = u64::from(to - cmd.from) + 1;
    let mut out: Box<dyn Write> = match &cmd.output {
        Some(file) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(file)
                .map_err(CliError::io(format!("creating {}", file.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    out.write_all(&count.to_le_bytes())
        .map_err(CliError::io("writing blocks"))?;
    let bar = progress(count, "Exporting");
    for number in cmd.from..=to {
        let hash = db
            .canonical_hash(number)?
            .ok_or_else(|| CliError::BadArgument(format!("block #{number} is not stored")))?;
        let header = db
            .header(&hash)?
            .ok_or(wcme_storage::StorageError::UnknownBlock(hash))?;
        let extrinsics = db
            .body(&hash)?
            .ok_or(wcme_storage::StorageError::UnknownBlock(hash))?;
        let block = SignedBlock {
            block: Block { header, extrinsics },
            justifications: db.justifications(&hash)?,
        };
        out.write_all(&block.encode())
            .map_err(CliError::io("writing blocks"))?;
        bar.inc(1);
    }
    out.flush().map_err(CliError::io("writing blocks"))?;
    bar.finish_and_clear();
    eprintln!("Exported {count} blocks (#{}..=#{to})", cmd.from);
    Ok(())
}

/// Splits a block file into blocks, checking its framing before anything is imported.
pub(crate) fn decode_block_file(bytes: &[u8]) -> Result<Vec<SignedBlock>, CliError> {
    let (count_bytes, mut rest) = bytes.split_at_checked(8).ok_or_else(|| {
        CliError::BadBlockFile(format!(
            "{} bytes is too short for a block count",
            bytes.len()
        ))
    })?;
    let mut count = [0u8; 8];
    count.copy_from_slice(count_bytes);
    let count = u64::from_le_bytes(count);
    // Every encoded block takes well over 64 bytes; a larger count means a damaged header.
    if count > (rest.len() as u64) / 64 + 1 {
        return Err(CliError::BadBlockFile(format!(
            "the file says it holds {count} blocks but has only {} bytes of block data",
            rest.len()
        )));
    }
    let mut blocks = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    for index in 0..count {
        let block = SignedBlock::decode(&mut rest).map_err(|error| {
            if rest.is_empty() {
                CliError::BadBlockFile(format!("the file ends after {index} of {count} blocks"))
            } else {
                CliError::BadBlockFile(format!(
                    "block {} of {count} does not decode: {error}",
                    index + 1
                ))
            }
        })?;
        blocks.push(block);
    }
    if !rest.is_empty() {
        return Err(CliError::BadBlockFile(format!(
            "{} bytes of garbage after the last of {count} blocks",
            rest.len()
        )));
    }
    Ok(blocks)
}

/// `import-blocks`: re-executes every block of a file on top of the stored chain.
pub(crate) fn import_blocks(spec: &NodeSpec, cmd: &ImportBlocksCmd) -> Result<(), CliError> {
    let chain_spec = load_chain_spec(spec, &cmd.shared)?;
    let mut bytes = Vec::new();
    match &cmd.input {
        Some(file) => std::fs::File::open(file)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(CliError::io(format!("reading {}", file.display())))?,
        None => std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(CliError::io("reading standard input"))?,
    };
    let blocks = decode_block_file(&bytes)?;
    let path = NodeConfig::database_path_for(&base_path(spec, &cmd.shared)?, &chain_spec.id);
    let client = open_client(&chain_spec, &path, spec.runtime_for(&chain_spec)?, &[])?;
    let bar = progress(blocks.len() as u64, "Importing");
    let (mut imported, mut skipped) = (0u64, 0u64);
    for signed in blocks {
        let number = *signed.block.header.number();
        match client.import_block(signed.block, signed.justifications, BlockOrigin::File) {
            Ok(_) => imported += 1,
            Err(ImportError::AlreadyKnown(..)) => skipped += 1,
            Err(source) => {
                bar.abandon();
                return Err(CliError::Import { number, source });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let best = client.info().best;
    eprintln!(
        "Imported {imported} blocks ({skipped} already known); best is #{} ({:?})",
        best.0, best.1
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wcme_primitives::Header;

    fn block(number: u32) -> SignedBlock {
        let header = Header::new(
            number,
            Default::default(),
            Default::default(),
            Default::default(),
            Default::default(),
        );
        SignedBlock {
            block: Block {
                header,
                extrinsics: vec![],
            },
            justifications: None,
        }
    }

    fn file(blocks: &[SignedBlock]) -> Vec<u8> {
        let mut bytes = (blocks.len() as u64).to_le_bytes().to_vec();
        for b in blocks {
            bytes.extend(b.encode());
        }
        bytes
    }

    #[test]
    fn round_trips() {
        let blocks = vec![block(1), block(2)];
        assert_eq!(decode_block_file(&file(&blocks)).expect("valid"), blocks);
    }

    #[test]
    fn truncated_and_corrupt_files_are_named() {
        let bytes = file(&[block(1), block(2), block(3)]);
        let cut = &bytes[..bytes.len() - 10];
        let error = decode_block_file(cut).expect_err("truncated").to_string();
        assert!(error.contains("of 3"), "{error}");
        assert!(decode_block_file(&bytes[..4]).is_err());
        let mut huge = bytes.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(
            decode_block_file(&huge)
                .expect_err("count")
                .to_string()
                .contains("holds")
        );
        let mut trailing = bytes;
        trailing.extend([1, 2, 3]);
        assert!(
            decode_block_file(&trailing)
                .expect_err("garbage")
                .to_string()
                .contains("garbage")
        );
    }
}
