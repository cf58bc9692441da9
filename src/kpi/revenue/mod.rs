//! The revenue family: exact money, NRR/GRR, MRR histories and their movements.

pub mod money;
pub mod rates;
