//! The standard normal quantile, for margins of error.
//!
//! Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), accurate to about 1e-16,
//! which is more than any margin of error needs and avoids a statistics dependency.

/// The `p`-quantile of the standard normal distribution, for `0 < p < 1`.
pub fn quantile(p: f64) -> f64 {
    debug_assert!(p > 0.0 && p < 1.0);
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

/// The two-sided critical value `z` for a confidence level in (0, 1): 1.959964 at 0.95.
///
/// Computed from the upper tail (1 - confidence) / 2, which is exact in floating point for
/// every confidence, rather than from 0.5 + confidence / 2, which rounds to 1 (and z to
/// infinity) for a confidence within 2^-53 of 1.
pub fn two_sided_z(confidence: f64) -> f64 {
    -quantile((1.0 - confidence) / 2.0)
}

/// Evaluates a polynomial whose coefficients are given from the constant term up.
fn poly(coefficients: &[f64; 8], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, c| acc * x + c)
}

// Coefficients as published by Wichura (1988), lowest order first.
#[allow(clippy::excessive_precision)]
const A: [f64; 8] = [
    3.387132872796366608,
    133.14166789178437745,
    1971.5909503065514427,
    13731.693765509461125,
    45921.953931549871457,
    67265.770927008700853,
    33430.575583588128105,
    2509.0809287301226727,
];
#[allow(clippy::excessive_precision)]
const B: [f64; 8] = [
    1.0,
    42.313330701600911252,
    687.1870074920579083,
    5394.1960214247511077,
    21213.794301586595867,
    39307.89580009271061,
    28729.085735721942674,
    5226.495278852854561,
];
#[allow(clippy::excessive_precision)]
const C: [f64; 8] = [
    1.42343711074968357734,
    4.6303378461565452959,
    5.7694972214606914055,
    3.64784832476320460504,
    1.27045825245236838258,
    0.24178072517745061177,
    0.0227238449892691845833,
    7.7454501427834140764e-4,
];
#[allow(clippy::excessive_precision)]
const D: [f64; 8] = [
    1.0,
    2.05319162663775882187,
    1.6763848301838038494,
    0.68976733498510000455,
    0.14810397642748007459,
    0.0151986665636164571966,
    5.475938084995344946e-4,
    1.05075007164441684324e-9,
];
#[allow(clippy::excessive_precision)]
const E: [f64; 8] = [
    6.6579046435011037772,
    5.4637849111641143699,
    1.7848265399172913358,
    0.29656057182850489123,
    0.026532189526576123093,
    0.0012426609473880784386,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
];
#[allow(clippy::excessive_precision)]
const F: [f64; 8] = [
    1.0,
    0.59983220655588793769,
    0.13692988092273580531,
    0.0148753612908506148525,
    7.868691311456132591e-4,
    1.8463183175100546818e-5,
    1.4215117583164458887e-7,
    2.04426310338993978564e-15,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_quantiles() {
        // Reference values from R's qnorm().
        let cases = [
            (0.975, 1.959_963_984_540_054),
            (0.995, 2.575_829_303_548_901),
            (0.95, 1.644_853_626_951_472_2),
            (0.5, 0.0),
            (0.1, -1.281_551_565_544_600_4),
            (1e-10, -6.361_340_902_404_056),
            (1e-6, -4.753_424_308_822_899),
        ];
        for (p, z) in cases {
            assert!(
                (quantile(p) - z).abs() < 1e-12,
                "p={p}: {} vs {z}",
                quantile(p)
            );
        }
    }

    #[test]
    fn two_sided() {
        assert!((two_sided_z(0.95) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((two_sided_z(0.90) - 1.644_853_626_951_472_2).abs() < 1e-12);
        // Confidences within 2^-53 of 1 give a finite z (0.5 + c/2 would round to 1).
        for c in [
            0.999_999_999_999_999_9,
            1.0 - f64::EPSILON / 2.0,
            1.0 - 1e-15,
        ] {
            let z = two_sided_z(c);
            assert!(z.is_finite() && z > 7.9, "{c}: {z}");
        }
        // Tiny confidences give z near 0, never NaN.
        assert!(two_sided_z(1e-300).abs() < 1e-12);
    }
}
