//! What `govhall backup` and `govhall restore` say about a database: the
//! migrations applied to it and a few counts, so an administrator sees that a
//! backup is real. The SQL text is shared; each backend crate runs it.

/// The table sqlx records applied migrations in.
pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// The migrations applied successfully, oldest first.
pub const APPLIED_VERSIONS: &str = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";

/// The tables counted in a backup's summary, with their Chinese names.
pub const COUNTED_TABLES: [(&str, &str); 3] =
    [("tickets", "取号"), ("cases", "办件"), ("evaluations", "评价")];

/// `SELECT count(*)` of one of [`COUNTED_TABLES`] (names are constants, never input).
pub fn count_sql(table: &'static str) -> String {
    format!("SELECT count(*) FROM {table}")
}

/// The schema and size of one database (or backup file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseFacts {
    /// Applied migration versions, oldest first.
    pub versions: Vec<i64>,
    /// Rows in each counted table that exists: (table, Chinese name, rows).
    pub counts: Vec<(&'static str, &'static str, i64)>,
}

impl DatabaseFacts {
    /// The latest applied migration.
    pub fn schema_version(&self) -> Option<i64> {
        self.versions.last().copied()
    }

    /// Applied migrations that `known` (this binary's) does not have: a
    /// database made by a newer release.
    pub fn unknown_versions(&self, known: &[i64]) -> Vec<i64> {
        self.versions
            .iter()
            .copied()
            .filter(|v| !known.contains(v))
            .collect()
    }

    /// The rows of `table`, when it was counted.
    pub fn count(&self, table: &str) -> Option<i64> {
        self.counts
            .iter()
            .find(|(t, _, _)| *t == table)
            .map(|(_, _, n)| *n)
    }
}

/// What a check of a SQLite backup file found.
#[derive(Debug, Clone, Default)]
pub struct Inspection {
    /// The lines of `PRAGMA integrity_check` other than `ok`.
    pub problems: Vec<String>,
    /// Whether the migrations table is there (a govhall database).
    pub has_migrations: bool,
    pub facts: DatabaseFacts,
}

impl Inspection {
    /// Intact and made by govhall.
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty() && self.has_migrations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_migrations_are_found() {
        let facts = DatabaseFacts {
            versions: vec![1, 2, 8],
            counts: vec![("tickets", "取号", 3)],
        };
        assert_eq!(facts.schema_version(), Some(8));
        assert_eq!(facts.unknown_versions(&[1, 2, 3]), vec![8]);
        assert!(facts.unknown_versions(&[1, 2, 8, 9]).is_empty());
        assert_eq!(facts.count("tickets"), Some(3));
        assert_eq!(facts.count("cases"), None);
    }
}
