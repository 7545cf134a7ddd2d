//! A [`Store`] in an SQLite database file (`--db PATH`): a table per kind of
//! record, its columns and their types from the generated [`Shape`]s (so
//! from the spec, never written per resource), indexed by SID, unique field
//! and creation order within each account and scope.
//!
//! Every write is one transaction in write-ahead-log mode: once a request
//! is answered its write is in the log, and a process killed at any moment
//! (`kill -9`) loses nothing it acknowledged. (`synchronous = NORMAL`: a
//! power cut may lose the last transactions; an emulator's trade.)
//!
//! Kept as one file over 400 lines: one backend of the `Store` trait, its
//! schema and its statements together.

use crate::store::{
    Column, Key, Row, RowsPage, Scope, Shape, Start, Store, StoreError, unique_value,
};
use rusqlite::config::DbConfig;
use rusqlite::types::{ToSqlOutput, Value as Sql, ValueRef};
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// One kind's table.
#[derive(Debug)]
struct Table {
    name: String,
    /// Wire name -> column type, for every stored field any shape of the kind has.
    columns: BTreeMap<&'static str, Column>,
}

/// Records in an SQLite database.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    tables: BTreeMap<&'static str, Table>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field(
                "tables",
                &self.tables.values().map(|t| &t.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!("database: {e}"))
}

/// `"name"`, quoted for SQL.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A field's column: `f_` and its wire name, so no field meets the row's own columns.
fn column(name: &str) -> String {
    quoted(&format!("f_{name}"))
}

/// `US` -> `records_us`; `/v1/Configuration` -> `records_v1_configuration`.
fn table_name(kind: &str) -> String {
    let mut name = String::from("records");
    for part in kind
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        name.push('_');
        name.push_str(&part.to_ascii_lowercase());
    }
    name
}

fn sql_type(column: Column) -> &'static str {
    match column {
        Column::Text | Column::Json => "TEXT",
        Column::Integer | Column::Bool => "INTEGER",
        Column::Real => "REAL",
    }
}

/// A JSON value as its column holds it.
fn to_sql(column: Column, value: &Value) -> Sql {
    match (column, value) {
        (_, Value::Null) => Sql::Null,
        (Column::Bool, Value::Bool(b)) => Sql::Integer(i64::from(*b)),
        (Column::Integer, Value::Number(n)) if n.is_i64() => Sql::Integer(n.as_i64().unwrap_or(0)),
        (Column::Real | Column::Integer, Value::Number(n)) => match n.as_f64() {
            Some(f) => Sql::Real(f),
            None => Sql::Text(n.to_string()),
        },
        (Column::Text, Value::String(s)) => Sql::Text(s.clone()),
        (_, other) => Sql::Text(other.to_string()),
    }
}

/// A column's value as JSON.
fn from_sql(column: Column, value: ValueRef<'_>) -> Value {
    match (column, value) {
        (_, ValueRef::Null) => Value::Null,
        (Column::Bool, ValueRef::Integer(i)) => Value::Bool(i != 0),
        (_, ValueRef::Integer(i)) => Value::from(i),
        (_, ValueRef::Real(f)) => Value::from(f),
        (Column::Text, ValueRef::Text(t)) => Value::String(String::from_utf8_lossy(t).into_owned()),
        (_, ValueRef::Text(t)) => {
            let text = String::from_utf8_lossy(t);
            serde_json::from_str(&text).unwrap_or(Value::String(text.into_owned()))
        }
        (_, ValueRef::Blob(_)) => Value::Null,
    }
}

fn constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

impl SqliteStore {
    /// Opens (or creates) the database at `path`, with a table for every
    /// kind of record among `shapes`, adding columns a newer spec brought.
    pub fn open(path: impl AsRef<Path>, shapes: &[&'static Shape]) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(backend)?;
        // Plans that do not depend on bound values: otherwise SQLite expires a
        // cached statement whenever a LIMIT or range value is rebound, and
        // every page was parsed and planned anew.
        connection
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(backend)?;
        // A handful of statements per kind of record: rusqlite's default of
        // 16 would evict them.
        connection.set_prepared_statement_cache_capacity(256);
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
            )
            .map_err(backend)?;
        let mut tables: BTreeMap<&'static str, Table> = BTreeMap::new();
        for shape in shapes {
            let table = tables.entry(shape.kind).or_insert_with(|| Table {
                name: table_name(shape.kind),
                columns: BTreeMap::new(),
            });
            for field in shape.stored() {
                table.columns.entry(field.name).or_insert(field.column);
            }
        }
        for table in tables.values() {
            Self::create_table(&connection, table)?;
        }
        Ok(SqliteStore {
            connection: Mutex::new(connection),
            tables,
        })
    }

    fn create_table(connection: &Connection, table: &Table) -> Result<(), StoreError> {
        let name = quoted(&table.name);
        connection
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {name} (
                    _seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    _account TEXT NOT NULL,
                    _scope TEXT NOT NULL,
                    _sid TEXT NOT NULL,
                    _unique TEXT
                );
                CREATE UNIQUE INDEX IF NOT EXISTS {by_sid} ON {name} (_account, _scope, _sid);
                CREATE UNIQUE INDEX IF NOT EXISTS {by_unique} ON {name} (_account, _scope, _unique);
                CREATE INDEX IF NOT EXISTS {by_seq} ON {name} (_account, _scope, _seq);",
                by_sid = quoted(&format!("{}_sid", table.name)),
                by_unique = quoted(&format!("{}_unique", table.name)),
                by_seq = quoted(&format!("{}_seq", table.name)),
            ))
            .map_err(backend)?;
        let mut statement = connection
            .prepare(&format!("PRAGMA table_info({name})"))
            .map_err(backend)?;
        let existing: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(1))
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        for (field, column_type) in &table.columns {
            if !existing.contains(&format!("f_{field}")) {
                connection
                    .execute(
                        &format!(
                            "ALTER TABLE {name} ADD COLUMN {} {}",
                            column(field),
                            sql_type(*column_type)
                        ),
                        [],
                    )
                    .map_err(backend)?;
            }
        }
        Ok(())
    }

    fn table(&self, shape: &Shape) -> Result<&Table, StoreError> {
        self.tables.get(shape.kind).ok_or_else(|| {
            StoreError::Backend(format!(
                "no table for {}: the store was opened without its shape",
                shape.kind
            ))
        })
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Every statement is atomic; a panic mid-way leaves SQLite consistent.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `_seq, _sid, f_a, f_b, ...` and the columns in that order.
    fn select_list(table: &Table) -> String {
        let mut list = String::from("_seq, _sid");
        for field in table.columns.keys() {
            list.push_str(", ");
            list.push_str(&column(field));
        }
        list
    }

    fn row(table: &Table, r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        let seq: i64 = r.get(0)?;
        let mut fields = Map::new();
        for (i, (field, column_type)) in table.columns.iter().enumerate() {
            fields.insert(
                (*field).to_string(),
                from_sql(*column_type, r.get_ref(i + 2)?),
            );
        }
        Ok(Row::new(
            u64::try_from(seq).unwrap_or(0),
            r.get::<_, String>(1)?,
            fields,
        ))
    }

    fn find(
        connection: &Connection,
        table: &Table,
        scope: &Scope,
        key: Key<'_>,
    ) -> Result<Option<Row>, StoreError> {
        let (by, value) = match key {
            Key::Sid(sid) => ("_sid", sid),
            Key::Unique(value) => ("_unique", value),
        };
        connection
            .prepare_cached(&format!(
                "SELECT {} FROM {} WHERE _account = ?1 AND _scope = ?2 AND {by} = ?3",
                Self::select_list(table),
                quoted(&table.name)
            ))
            .map_err(backend)?
            .query_row([scope.account(), scope.key(), value], |r| {
                Self::row(table, r)
            })
            .optional()
            .map_err(backend)
    }
}

/// The parameters of a statement, in order.
fn values(list: Vec<Sql>) -> impl Iterator<Item = ToSqlOutput<'static>> {
    list.into_iter().map(ToSqlOutput::Owned)
}

impl Store for SqliteStore {
    fn insert(
        &self,
        scope: &Scope,
        shape: &Shape,
        sid: &str,
        fields: Map<String, Value>,
    ) -> Result<Row, StoreError> {
        let table = self.table(shape)?;
        let unique = unique_value(shape, &fields);
        let mut names = vec![
            "_account".to_string(),
            "_scope".into(),
            "_sid".into(),
            "_unique".into(),
        ];
        let mut params = vec![
            Sql::Text(scope.account().into()),
            Sql::Text(scope.key().into()),
            Sql::Text(sid.into()),
            unique.map_or(Sql::Null, Sql::Text),
        ];
        for (field, column_type) in &table.columns {
            names.push(column(field));
            params.push(
                fields
                    .get(*field)
                    .map_or(Sql::Null, |v| to_sql(*column_type, v)),
            );
        }
        let placeholders = (1..=names.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let connection = self.connection();
        let inserted = connection
            .prepare_cached(&format!(
                "INSERT INTO {} ({}) VALUES ({placeholders})",
                quoted(&table.name),
                names.join(", ")
            ))
            .map_err(backend)?
            .execute(params_from_iter(values(params)));
        match inserted {
            Ok(_) => {}
            Err(e) if constraint(&e) => {
                return Err(match shape.unique {
                    Some(field) => StoreError::Conflict { field },
                    None => backend(e),
                });
            }
            Err(e) => return Err(backend(e)),
        }
        let seq = connection.last_insert_rowid();
        Ok(Row::new(
            u64::try_from(seq).unwrap_or(0),
            sid,
            table
                .columns
                .keys()
                .map(|f| {
                    (
                        (*f).to_string(),
                        fields.get(*f).cloned().unwrap_or(Value::Null),
                    )
                })
                .collect(),
        ))
    }

    fn get(&self, scope: &Scope, shape: &Shape, key: Key<'_>) -> Result<Option<Row>, StoreError> {
        let table = self.table(shape)?;
        Self::find(&self.connection(), table, scope, key)
    }

    fn update(
        &self,
        scope: &Scope,
        shape: &Shape,
        key: Key<'_>,
        changes: Map<String, Value>,
    ) -> Result<Option<Row>, StoreError> {
        let table = self.table(shape)?;
        let mut connection = self.connection();
        let transaction = connection.transaction().map_err(backend)?;
        let Some(mut row) = Self::find(&transaction, table, scope, key)? else {
            return Ok(None);
        };
        for (field, value) in changes {
            if table.columns.contains_key(field.as_str()) {
                std::sync::Arc::make_mut(&mut row.fields).insert(field, value);
            }
        }
        let mut sets = vec!["_unique = ?1".to_string()];
        let mut params = vec![unique_value(shape, &row.fields).map_or(Sql::Null, Sql::Text)];
        for (field, column_type) in &table.columns {
            params.push(
                row.fields
                    .get(*field)
                    .map_or(Sql::Null, |v| to_sql(*column_type, v)),
            );
            sets.push(format!("{} = ?{}", column(field), params.len()));
        }
        params.push(Sql::Integer(i64::try_from(row.seq).unwrap_or(i64::MAX)));
        let updated = transaction
            .prepare_cached(&format!(
                "UPDATE {} SET {} WHERE _seq = ?{}",
                quoted(&table.name),
                sets.join(", "),
                params.len()
            ))
            .map_err(backend)?
            .execute(params_from_iter(values(params)));
        match updated {
            Ok(_) => {}
            Err(e) if constraint(&e) => {
                return Err(match shape.unique {
                    Some(field) => StoreError::Conflict { field },
                    None => backend(e),
                });
            }
            Err(e) => return Err(backend(e)),
        }
        transaction.commit().map_err(backend)?;
        Ok(Some(row))
    }

    fn delete(&self, scope: &Scope, shape: &Shape, key: Key<'_>) -> Result<bool, StoreError> {
        let table = self.table(shape)?;
        let (by, value) = match key {
            Key::Sid(sid) => ("_sid", sid),
            Key::Unique(value) => ("_unique", value),
        };
        let removed = self
            .connection()
            .prepare_cached(&format!(
                "DELETE FROM {} WHERE _account = ?1 AND _scope = ?2 AND {by} = ?3",
                quoted(&table.name)
            ))
            .map_err(backend)?
            .execute([scope.account(), scope.key(), value])
            .map_err(backend)?;
        Ok(removed > 0)
    }

    // Long: the page query and the two lookups of its neighbours, one piece because they share
    // the scope's bindings.
    fn page(
        &self,
        scope: &Scope,
        shape: &Shape,
        start: Start,
        size: usize,
    ) -> Result<RowsPage, StoreError> {
        let table = self.table(shape)?;
        let size = size.max(1);
        let limit = i64::try_from(size + 1).unwrap_or(i64::MAX);
        let name = quoted(&table.name);
        let select = Self::select_list(table);
        let connection = self.connection();
        let account = Sql::Text(scope.account().into());
        let key = Sql::Text(scope.key().into());
        let (sql, params) = match start {
            Start::Seq(seq) => (
                format!(
                    "SELECT {select} FROM {name} WHERE _account = ?1 AND _scope = ?2 AND _seq >= ?3 ORDER BY _seq LIMIT ?4"
                ),
                vec![
                    account.clone(),
                    key.clone(),
                    Sql::Integer(i64::try_from(seq).unwrap_or(i64::MAX)),
                    Sql::Integer(limit),
                ],
            ),
            Start::Offset(offset) => (
                format!(
                    "SELECT {select} FROM {name} WHERE _account = ?1 AND _scope = ?2 ORDER BY _seq LIMIT ?3 OFFSET ?4"
                ),
                vec![
                    account.clone(),
                    key.clone(),
                    Sql::Integer(limit),
                    Sql::Integer(i64::try_from(offset).unwrap_or(i64::MAX)),
                ],
            ),
        };
        let mut rows: Vec<Row> = connection
            .prepare_cached(&sql)
            .map_err(backend)?
            .query_map(params_from_iter(values(params)), |r| Self::row(table, r))
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        let next = (rows.len() > size)
            .then(|| rows.pop().map(|r| r.seq))
            .flatten();
        let from = match (start, rows.first()) {
            (Start::Seq(seq), _) => seq,
            (Start::Offset(_), Some(first)) => first.seq,
            (Start::Offset(_), None) => {
                return Ok(RowsPage {
                    rows,
                    next,
                    previous: None,
                });
            }
        };
        let previous: Option<i64> = connection
            .prepare_cached(&format!(
                "SELECT _seq FROM {name} WHERE _account = ?1 AND _scope = ?2 AND _seq < ?3 ORDER BY _seq DESC LIMIT 1 OFFSET ?4"
            ))
            .map_err(backend)?
            .query_row(
                params_from_iter(values(vec![
                    account,
                    key,
                    Sql::Integer(i64::try_from(from).unwrap_or(i64::MAX)),
                    Sql::Integer(i64::try_from(size - 1).unwrap_or(0)),
                ])),
                |r| r.get(0),
            )
            .optional()
            .map_err(backend)?;
        // Fewer than a page before this one: the previous page starts at the first record.
        let previous = match previous {
            Some(seq) => Some(seq),
            None => connection
                .prepare_cached(&format!(
                    "SELECT MIN(_seq) FROM {name} WHERE _account = ?1 AND _scope = ?2 AND _seq < ?3"
                ))
                .map_err(backend)?
                .query_row(
                    params_from_iter(values(vec![
                        Sql::Text(scope.account().into()),
                        Sql::Text(scope.key().into()),
                        Sql::Integer(i64::try_from(from).unwrap_or(i64::MAX)),
                    ])),
                    |r| r.get::<_, Option<i64>>(0),
                )
                .map_err(backend)?,
        };
        Ok(RowsPage {
            rows,
            next,
            previous: previous.and_then(|s| u64::try_from(s).ok()),
        })
    }
}
