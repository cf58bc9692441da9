//! csmetrics: customer-success KPIs computed inside PostgreSQL.
//!
//! - [`kpi`]: the maths, plain Rust, unit-tested without PostgreSQL.
//! - [`pg`]: thin fmgr functions exposing it; their SQL declarations live in `sql/`.

// Every unsafe operation sits in an `unsafe` block of its own, even inside an `unsafe fn`, so
// that each one can say why it is sound (see "The unsafe core" in CONTRIBUTING.md).
#![deny(unsafe_op_in_unsafe_fn)]

pub mod kpi;
pub mod pg;

::pgrx::pg_module_magic!(name, version);

/// Runs when the library loads. An error PostgreSQL raises inside one of our calls (a timestamp
/// out of range) passes through pgrx, which prints a Rust backtrace into its DETAIL whenever
/// RUST_BACKTRACE is set in the server's environment; users should see PostgreSQL's message.
#[pgrx::pg_guard]
pub extern "C-unwind" fn _PG_init() {
    // SAFETY: a backend is single-threaded, and this runs before any other code of ours.
    unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
}

// The SQL API, in the order it is created. These family files are the only source: `make sql`
// (scripts/gen-sql.py) generates the upgrade script from the last release from them, and the
// upgrade test checks that both give the same catalog.
::pgrx::extension_sql_file!("../sql/survey.sql", name = "survey");
::pgrx::extension_sql_file!(
    "../sql/equality.sql",
    name = "equality",
    requires = ["survey"]
);
::pgrx::extension_sql_file!(
    "../sql/customer.sql",
    name = "customer",
    requires = ["equality"]
);
::pgrx::extension_sql_file!(
    "../sql/revenue.sql",
    name = "revenue",
    requires = ["equality"]
);
::pgrx::extension_sql_file!(
    "../sql/health.sql",
    name = "health",
    requires = ["equality"]
);
::pgrx::extension_sql_file!(
    "../sql/engagement.sql",
    name = "engagement",
    requires = ["equality"]
);

#[cfg(any(test, feature = "pg_test"))]
mod pg_tests;

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
