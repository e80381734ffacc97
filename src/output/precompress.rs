//! `--precompress`: a `.gz` and a `.br` beside every text file the build writes, made by a sink
//! that wraps the one that writes ([`Precompressing`]), with bytes that depend on the input alone.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// A sink that also writes `.gz` and `.br` versions of every text file (`--precompress`).
pub struct Precompressing<'a, S: crate::OutputSink>(pub &'a S);

impl<S: crate::OutputSink> Precompressing<'_, S> {
    fn compressed(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if is_compressible(rel) {
            let (gzip, brotli) = precompress(bytes);
            self.0.write(&format!("{rel}.gz"), &gzip)?;
            self.0.write(&format!("{rel}.br"), &brotli)?;
        }
        Ok(())
    }
}

impl<S: crate::OutputSink> crate::OutputSink for Precompressing<'_, S> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.0.write(rel, bytes)?;
        self.compressed(rel, bytes)
    }

    fn copy(&self, rel: &str, origin: &crate::source::FileOrigin) -> Result<(), Diagnostic> {
        self.0.copy(rel, origin)?;
        if is_compressible(rel) {
            self.compressed(rel, &origin.read()?)?;
        }
        Ok(())
    }

    fn link_cached(&self, rel: &str, entry: &Path) -> Result<(), Diagnostic> {
        self.0.link_cached(rel, entry)?;
        if is_compressible(rel) {
            let bytes = std::fs::read(entry).map_err(|e| {
                Diagnostic::file_error(entry, format!("cannot read the picture cache: {e}"))
            })?;
            self.compressed(rel, &bytes)?;
        }
        Ok(())
    }
}

/// Whether a file is text worth compressing ahead of time.
pub fn is_compressible(path: &str) -> bool {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        extension,
        "html" | "css" | "js" | "json" | "xml" | "svg" | "txt" | "map"
    )
}

/// gzip (level 9, no name or time in the header, so the bytes depend only on the input) and
/// brotli (quality 9) versions of `bytes`, for hosts that serve `.gz` and `.br` files directly.
pub fn precompress(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    use std::io::Write;
    let mut gzip = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let _ = gzip.write_all(bytes);
    let gzip = gzip.finish().unwrap_or_default();
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params);
    (gzip, brotli)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_encodings_give_back_the_bytes_and_are_stable() {
        let text = "<p>lasers</p>".repeat(100);
        let (gzip, brotli) = precompress(text.as_bytes());
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, text);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &brotli[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, text.as_bytes());
        assert_eq!(precompress(text.as_bytes()), (gzip, brotli));
        assert!(is_compressible("a/index.html") && !is_compressible("photo.jpg"));
    }
}
