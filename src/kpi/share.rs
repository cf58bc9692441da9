//! Shares: hits out of a total, as a percentage (CSAT at any threshold, and later rates).

use super::counters::Counters;
use super::error::KpiResult;
use super::text::{bad_text, Object};

/// `hits` of `total` observations met a condition.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub hits: i64,
    pub total: i64,
}

// SAFETY: #[repr(C)] struct of exactly two i64.
unsafe impl Counters for Share {
    const LEN: usize = 2;
    const TYPE_NAME: &'static str = "share_state";
    const VERSION: u8 = 1;

    fn to_text(&self) -> String {
        format!(
            "{{\"version\":{},\"hits\":{},\"total\":{}}}",
            Self::VERSION,
            self.hits,
            self.total
        )
    }

    fn from_text(text: &str) -> KpiResult<Self> {
        let read = || -> Result<Self, String> {
            let object = Object::parse(text, &["version", "hits", "total"], Self::VERSION)?;
            let share = Share {
                hits: object.count("hits")?,
                total: object.count("total")?,
            };
            share.validate()?;
            Ok(share)
        };
        read().map_err(|why| {
            bad_text(
                Self::TYPE_NAME,
                text,
                why,
                "Write a share_state as {\"version\":1,\"hits\":h,\"total\":t} with 0 <= h <= t.",
            )
        })
    }

    /// 0 <= hits <= total.
    fn validate(&self) -> Result<(), String> {
        if self.hits < 0 || self.hits > self.total {
            return Err(format!(
                "Hits {} is not between 0 and total {}.",
                self.hits, self.total
            ));
        }
        Ok(())
    }
}

impl Share {
    /// The share as a percentage; `None` when nothing was observed.
    pub fn percent(&self) -> Option<f64> {
        (self.total > 0).then(|| 100.0 * self.hits as f64 / self.total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::error::ErrorKind;

    #[test]
    fn percent_and_text() {
        let s = Share { hits: 3, total: 4 };
        assert_eq!(s.percent(), Some(75.0));
        assert_eq!(Share::default().percent(), None);
        assert_eq!(Share::from_text(&s.to_text()), Ok(s));
        assert_eq!(Share::from_binary(&s.to_binary()), Ok(s));
        for bad in [
            r#"{"version":1,"hits":5,"total":4}"#,
            r#"{"version":1,"hits":-1,"total":4}"#,
            "x",
        ] {
            assert_eq!(Share::from_text(bad).unwrap_err().kind, ErrorKind::BadText);
        }
    }
}
