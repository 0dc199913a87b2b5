//! Parquet copies of the large datasets (requests, site_trackers, tracker_fields), written
//! with the Apache Arrow crates beside the CSVs, row for row, with typed columns: a crawl's
//! requests load in DuckDB, pandas or R without parsing CSV. Text is exactly what the web
//! sent (formula neutralisation is for spreadsheets, which open the CSVs); an empty cell is a
//! null of the column's type.

use super::ReportError;
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A column's type in the Parquet file (docs/schema.md's type column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// UTF-8 text.
    Text,
    /// A whole number (64-bit).
    Int,
    /// `true`/`false`.
    Bool,
    /// A decimal number (the shares and their intervals: docs/schema.md's `decimal`).
    Decimal,
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    Decimal(Float64Builder),
}

/// Rows per record batch (row group pieces); memory stays bounded on a 1M-site crawl.
const BATCH: usize = 8192;

/// A Parquet file being written under a temporary name.
pub struct ParquetOut {
    writer: Option<ArrowWriter<std::fs::File>>,
    schema: Arc<Schema>,
    builders: Vec<Builder>,
    pending: usize,
    tmp: super::TmpFile,
    path: PathBuf,
}

fn err(path: &Path, e: impl Into<parquet::errors::ParquetError>) -> ReportError {
    let source = match e.into() {
        parquet::errors::ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => *io,
            Err(e) => std::io::Error::other(e.to_string()),
        },
        e => std::io::Error::other(e.to_string()),
    };
    super::write_error(path, source)
}

impl ParquetOut {
    /// Creates `path` (written as `path.tmp` until [`ParquetOut::finish`]).
    pub fn create(path: PathBuf, columns: &[&str], types: &[ColType]) -> Result<Self, ReportError> {
        assert_eq!(columns.len(), types.len(), "a type per column");
        let fields: Vec<Field> = columns
            .iter()
            .zip(types)
            .map(|(c, t)| {
                let dt = match t {
                    ColType::Text => DataType::Utf8,
                    ColType::Int => DataType::Int64,
                    ColType::Bool => DataType::Boolean,
                    ColType::Decimal => DataType::Float64,
                };
                Field::new(*c, dt, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let tmp = super::TmpFile::new(&path);
        let file =
            std::fs::File::create(&tmp.0).map_err(|source| super::write_error(&path, source))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&path, e))?;
        let builders = types.iter().map(|t| new_builder(*t)).collect();
        Ok(ParquetOut {
            writer: Some(writer),
            schema,
            builders,
            pending: 0,
            tmp,
            path,
        })
    }

    /// Adds one row of cells as the CSV has them before neutralisation.
    pub fn push<T: AsRef<[u8]>>(&mut self, cells: &[T]) -> Result<(), ReportError> {
        for (b, cell) in self.builders.iter_mut().zip(cells) {
            let text = String::from_utf8_lossy(cell.as_ref());
            let v = text.as_ref();
            match b {
                Builder::Text(x) if v.is_empty() => x.append_null(),
                Builder::Text(x) => x.append_value(v),
                Builder::Int(x) => x.append_option(v.parse::<i64>().ok()),
                Builder::Decimal(x) => x.append_option(v.parse::<f64>().ok()),
                Builder::Bool(x) => x.append_option(match v {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                }),
            }
        }
        self.pending += 1;
        if self.pending >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ReportError> {
        if self.pending == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Text(x) => Arc::new(x.finish()),
                    Builder::Int(x) => Arc::new(x.finish()),
                    Builder::Bool(x) => Arc::new(x.finish()),
                    Builder::Decimal(x) => Arc::new(x.finish()),
                }
            })
            .collect();
        let batch =
            RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| err(&self.path, e))?;
        self.writer
            .as_mut()
            .expect("open until finished")
            .write(&batch)
            .map_err(|e| err(&self.path, e))?;
        self.pending = 0;
        Ok(())
    }

    /// Writes what is left, closes the file and renames it into place.
    pub fn finish(mut self) -> Result<(), ReportError> {
        self.flush()?;
        if let Some(w) = self.writer.take() {
            w.close().map_err(|e| err(&self.path, e))?;
        }
        self.tmp.rename(&self.path)
    }
}

fn new_builder(t: ColType) -> Builder {
    match t {
        ColType::Text => Builder::Text(StringBuilder::new()),
        ColType::Int => Builder::Int(Int64Builder::new()),
        ColType::Bool => Builder::Bool(BooleanBuilder::new()),
        ColType::Decimal => Builder::Decimal(Float64Builder::new()),
    }
}
