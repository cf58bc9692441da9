//! The revenue family: exact money, NRR/GRR, MRR histories and their movements.

pub mod history;
pub mod history_text;
pub mod keys;
pub mod money;
pub mod months;
pub mod movements;
pub mod periods;
pub mod range;
pub mod retention;
pub mod scalar;
pub mod signed;
pub mod wire;
