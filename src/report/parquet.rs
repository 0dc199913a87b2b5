//! Parquet copies of the large datasets (requests, site_trackers, tracker_fields, pages),
//! written beside the CSVs, row for row, with typed columns: a crawl's requests load in
//! DuckDB, pandas or R without parsing CSV. Text is exactly what the web sent (formula
//! neutralisation is for spreadsheets, which open the CSVs); an empty cell is a null of the
//! column's type. Written with the `parquet` crate's own column writers (no Arrow: the Arrow
//! crates were a third of a cold build); the file's schema is plain Parquet — text is
//! `BYTE_ARRAY (STRING)`, whole numbers `INT64`, decimals `DOUBLE`, `BOOLEAN` — every column
//! optional, which Arrow-based readers read as utf8, int64, float64 and bool.

use super::ReportError;
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
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

/// One column's values of the row group being gathered, and a definition level per row
/// (1: a value, 0: null).
enum Values {
    Text(Vec<ByteArray>),
    Int(Vec<i64>),
    Bool(Vec<bool>),
    Decimal(Vec<f64>),
}

struct Column {
    values: Values,
    defined: Vec<i16>,
}

/// Rows per row group: memory stays bounded on a 1M-site crawl.
const ROW_GROUP: usize = 65_536;

/// A Parquet file being written under a temporary name.
pub struct ParquetOut {
    writer: SerializedFileWriter<std::fs::File>,
    columns: Vec<Column>,
    pending: usize,
    tmp: super::TmpFile,
    path: PathBuf,
}

fn err(path: &Path, e: parquet::errors::ParquetError) -> ReportError {
    let source = match e {
        parquet::errors::ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => *io,
            Err(e) => std::io::Error::other(e.to_string()),
        },
        e => std::io::Error::other(e.to_string()),
    };
    super::write_error(path, source)
}

/// The file's schema: one optional column per dataset column.
fn schema(columns: &[&str], types: &[ColType]) -> Result<Type, parquet::errors::ParquetError> {
    let fields = columns
        .iter()
        .zip(types)
        .map(|(c, t)| {
            let (physical, logical) = match t {
                ColType::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                ColType::Int => (Physical::INT64, None),
                ColType::Bool => (Physical::BOOLEAN, None),
                ColType::Decimal => (Physical::DOUBLE, None),
            };
            Type::primitive_type_builder(c, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
}

impl ParquetOut {
    /// Creates `path` (written as `path.tmp` until [`ParquetOut::finish`]).
    pub fn create(path: PathBuf, columns: &[&str], types: &[ColType]) -> Result<Self, ReportError> {
        assert_eq!(columns.len(), types.len(), "a type per column");
        let schema = Arc::new(schema(columns, types).map_err(|e| err(&path, e))?);
        let tmp = super::TmpFile::new(&path);
        let file =
            std::fs::File::create(&tmp.0).map_err(|source| super::write_error(&path, source))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer =
            SerializedFileWriter::new(file, schema, Arc::new(props)).map_err(|e| err(&path, e))?;
        let columns = types.iter().map(|t| new_column(*t)).collect();
        Ok(ParquetOut {
            writer,
            columns,
            pending: 0,
            tmp,
            path,
        })
    }

    /// Adds one row of cells as the CSV has them before neutralisation.
    pub fn push<T: AsRef<[u8]>>(&mut self, cells: &[T]) -> Result<(), ReportError> {
        for (c, cell) in self.columns.iter_mut().zip(cells) {
            let text = String::from_utf8_lossy(cell.as_ref());
            let v = text.as_ref();
            let defined = match &mut c.values {
                Values::Text(_) if v.is_empty() => false,
                Values::Text(x) => {
                    x.push(ByteArray::from(v.as_bytes().to_vec()));
                    true
                }
                Values::Int(x) => v.parse().map(|n| x.push(n)).is_ok(),
                Values::Decimal(x) => v.parse().map(|n| x.push(n)).is_ok(),
                Values::Bool(x) => match v {
                    "true" | "false" => {
                        x.push(v == "true");
                        true
                    }
                    _ => false,
                },
            };
            c.defined.push(i16::from(defined));
        }
        self.pending += 1;
        if self.pending >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the gathered rows as one row group.
    fn flush(&mut self) -> Result<(), ReportError> {
        if self.pending == 0 {
            return Ok(());
        }
        let path = &self.path;
        let mut group = self.writer.next_row_group().map_err(|e| err(path, e))?;
        for c in &mut self.columns {
            let mut w = group
                .next_column()
                .map_err(|e| err(path, e))?
                .expect("a column writer per schema column");
            let def = Some(c.defined.as_slice());
            match &mut c.values {
                Values::Text(x) => w.typed::<ByteArrayType>().write_batch(x, def, None),
                Values::Int(x) => w.typed::<Int64Type>().write_batch(x, def, None),
                Values::Bool(x) => w.typed::<BoolType>().write_batch(x, def, None),
                Values::Decimal(x) => w.typed::<DoubleType>().write_batch(x, def, None),
            }
            .map_err(|e| err(path, e))?;
            w.close().map_err(|e| err(path, e))?;
            clear(c);
        }
        group.close().map_err(|e| err(path, e))?;
        self.pending = 0;
        Ok(())
    }

    /// Writes what is left, closes the file and renames it into place.
    pub fn finish(mut self) -> Result<(), ReportError> {
        self.flush()?;
        self.writer.close().map_err(|e| err(&self.path, e))?;
        self.tmp.rename(&self.path)
    }
}

fn clear(c: &mut Column) {
    c.defined.clear();
    match &mut c.values {
        Values::Text(x) => x.clear(),
        Values::Int(x) => x.clear(),
        Values::Bool(x) => x.clear(),
        Values::Decimal(x) => x.clear(),
    }
}

fn new_column(t: ColType) -> Column {
    let values = match t {
        ColType::Text => Values::Text(Vec::new()),
        ColType::Int => Values::Int(Vec::new()),
        ColType::Bool => Values::Bool(Vec::new()),
        ColType::Decimal => Values::Decimal(Vec::new()),
    };
    Column {
        values,
        defined: Vec::new(),
    }
}
