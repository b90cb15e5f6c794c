//! Gradient descent with and without clipping the gradient's norm, through one bad
//! demonstration.

use super::*;

/// The two clip runs (without, with `c`) for the threshold they were made with.
#[derive(Default)]
pub(in crate::lessons::gradients) struct ClipCache(Option<(f64, ClipRun, ClipRun)>);

pub(super) fn clip_section(
    ui: &mut egui::Ui,
    state: &mut GradientsState,
    data: &PolicyData,
    cache: &mut ClipCache,
    l: Lang,
) {
    note(ui, l.t("grad_clip_intro"));
    if !data.ready() {
        recording(ui, data, l);
        return;
    }
    ui.add(
        egui::Slider::new(&mut state.threshold, 0.01..=100.0)
            .logarithmic(true)
            .text("c"),
    );
    let c = state.threshold;
    if cache.0.as_ref().is_none_or(|(k, ..)| *k != c) {
        let cfg = crate::math::bc::BcConfig {
            lr: CLIP_LR,
            batch: 32,
            ..policy_config()
        };
        let bad = unit_mixup(&data.demos);
        let free = clip_experiment(&data.demos, &bad, &cfg, None, CLIP_BEFORE, CLIP_AFTER);
        let clipped = clip_experiment(&data.demos, &bad, &cfg, Some(c), CLIP_BEFORE, CLIP_AFTER);
        if let (Some(f), Some(k)) = (free, clipped) {
            cache.0 = Some((c, f, k));
        }
    }
    let Some((_, free, clipped)) = &cache.0 else {
        return;
    };
    let curve = |r: &ClipRun| -> Vec<[f64; 2]> {
        r.losses
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| [i as f64, v.max(1e-30).log10()])
            .collect()
    };
    fixed_plot("grad_clip_plot", 140.0)
        .x_axis_label(l.t("grad_step_axis"))
        .y_axis_label("log₁₀ L")
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "grad_clip_plot", |p| {
            p.line(Line::new(l.t("grad_no_clip"), curve(free)).color(RED));
            p.line(Line::new(l.t("grad_with_clip"), curve(clipped)).color(TEAL));
            p.vline(VLine::new(l.t("grad_outlier"), CLIP_BEFORE as f64).color(GOLD));
        });
    let typical = free.grad_norms[..CLIP_BEFORE.min(free.grad_norms.len())]
        .iter()
        .cloned()
        .fold(0.0, f64::max);
    let spike = free
        .grad_norms
        .get(CLIP_BEFORE)
        .copied()
        .unwrap_or(f64::NAN);
    ui.monospace(format!(
        "‖g‖ {}: ≤ {} · {}: {}",
        l.t("grad_before"),
        sci(typical),
        l.t("grad_outlier"),
        sci(spike)
    ));
    ui.monospace(format!(
        "‖Δθ‖ {}: {} · {} c = {}: {} (≤ η·c = {})",
        l.t("grad_no_clip"),
        sci(free.jump),
        l.t("grad_with_clip"),
        sci(c),
        sci(clipped.jump),
        sci(CLIP_LR * c)
    ));
    match free.first_nan() {
        Some(k) => {
            ui.colored_label(RED, format!("{} {k}", l.t("grad_nan_at")));
        }
        None => {
            ui.monospace(format!(
                "MSE {}: {} · {}: {}",
                l.t("grad_no_clip"),
                sci(free.final_mse),
                l.t("grad_with_clip"),
                sci(clipped.final_mse)
            ));
        }
    }
    note(ui, l.t("grad_clip_note"));
}
