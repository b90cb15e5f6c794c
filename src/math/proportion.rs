//! How sure a success count is: `k` successes in `n` episodes estimate a success rate `p` by
//! `k/n`, whose standard deviation is `√(p(1 − p)/n)`. For an interval from a handful of
//! episodes the usual `k/n ± z·√(…)` (Wald) fails exactly where a student meets it: at 1/1 it
//! has width zero. Wilson's score interval inverts the normal test instead and stays honest at
//! the edges.

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The standard deviation of the rate `k/n` when the true rate is `p`.
pub fn rate_std(p: f64, n: u32) -> f64 {
    if n == 0 {
        return f64::INFINITY;
    }
    (p * (1.0 - p) / f64::from(n)).sqrt()
}

/// Wilson's score interval `(low, high)` for `k` successes in `n` trials at normal quantile `z`;
/// `None` with no trials (or more successes than trials).
pub fn wilson(k: u32, n: u32, z: f64) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let n = f64::from(n);
    let p = f64::from(k) / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    #[test]
    fn one_of_one_is_21_to_100_percent() {
        // Closed form at k = n = 1: the lower end is 1/(1 + z²).
        let (lo, hi) = wilson(1, 1, Z95).expect("one trial");
        assert!((lo - 1.0 / (1.0 + Z95 * Z95)).abs() < 1e-12);
        assert!((lo - 0.2065).abs() < 1e-4, "{lo}");
        assert_eq!(hi, 1.0);
        let (lo, hi) = wilson(0, 1, Z95).expect("one trial");
        assert_eq!(lo, 0.0);
        assert!((hi - (1.0 - 1.0 / (1.0 + Z95 * Z95))).abs() < 1e-12);
    }

    #[test]
    fn ten_episodes_at_even_odds_spread_by_0_16() {
        assert!((rate_std(0.5, 10) - 0.158).abs() < 1e-3);
    }

    #[test]
    fn spread_matches_simulated_rates() {
        // Oracle: draw many batches of n Bernoulli trials and measure the spread of k/n.
        let mut rng = StdRng::seed_from_u64(11);
        let (p, n, batches) = (0.3, 20, 20_000);
        let rates: Vec<f64> = (0..batches)
            .map(|_| (0..n).filter(|_| rng.random::<f64>() < p).count() as f64 / f64::from(n))
            .collect();
        let mean = rates.iter().sum::<f64>() / f64::from(batches);
        let var = rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / f64::from(batches - 1);
        assert!(
            (var.sqrt() - rate_std(p, n)).abs() < 0.003,
            "{}",
            var.sqrt()
        );
    }

    #[test]
    fn wilson_covers_about_95_percent_where_wald_does_not() {
        // Oracle: the interval's coverage of the true p over simulated counts.
        let mut rng = StdRng::seed_from_u64(5);
        let (p, n, batches) = (0.9, 10, 20_000);
        let (mut wilson_in, mut wald_in) = (0, 0);
        for _ in 0..batches {
            let k = (0..n).filter(|_| rng.random::<f64>() < p).count() as u32;
            let (lo, hi) = wilson(k, n, Z95).expect("trials");
            wilson_in += usize::from(lo <= p && p <= hi);
            let r = f64::from(k) / f64::from(n);
            let h = Z95 * rate_std(r, n);
            wald_in += usize::from(r - h <= p && p <= r + h);
        }
        let wilson_cov = wilson_in as f64 / f64::from(batches);
        let wald_cov = wald_in as f64 / f64::from(batches);
        assert!(wilson_cov > 0.92, "Wilson covers {wilson_cov}");
        assert!(wald_cov < 0.80, "Wald covers {wald_cov}");
    }

    #[test]
    fn no_trials_no_interval() {
        assert_eq!(wilson(0, 0, Z95), None);
        assert_eq!(wilson(3, 2, Z95), None);
        assert!(rate_std(0.5, 0).is_infinite());
    }
}
