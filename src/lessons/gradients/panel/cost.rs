//! The gradient computed two ways on the same network, and what each costs on this machine.

use super::*;

pub(super) fn cost_section(ui: &mut egui::Ui, data: &PolicyData, cost: &Cost, l: Lang) {
    note(ui, l.t("grad_cost_intro"));
    if data.network().is_none() {
        recording(ui, data, l);
        return;
    }
    let Some(r) = cost.0 else {
        note(ui, l.t("grad_need_physics"));
        return;
    };
    let forward_ms = r.forward_ms;
    ui.monospace(format!("P = {} {}", r.params, l.t("grad_parameters")));
    egui::Grid::new("grad_cost_grid")
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            ui.label(l.t("grad_passes"));
            ui.label(l.t("grad_time"));
            ui.end_row();
            ui.label(l.t("grad_fd_one_sided"));
            ui.monospace(format!("P + 1 = {}", r.params + 1));
            ui.monospace(format!("≈{:.1} ms", forward_ms * (r.params + 1) as f64));
            ui.end_row();
            ui.label(l.t("grad_fd_central"));
            ui.monospace(format!("2P = {}", r.fd_passes));
            ui.monospace(format!("{:.1} ms", r.fd_ms));
            ui.end_row();
            ui.label(l.t("grad_backprop"));
            ui.monospace(l.t("grad_fwd_bwd"));
            ui.monospace(format!("{:.3} ms", r.bp_ms));
            ui.end_row();
        });
    ui.monospace(format!(
        "{}: {:.1}× · {} {:.1} {}",
        l.t("grad_speedup"),
        r.fd_ms / r.bp_ms.max(1e-9),
        l.t("grad_backprop_costs"),
        r.bp_ms / forward_ms.max(1e-12),
        l.t("grad_forward_passes")
    ));
    math(
        ui,
        &format!("max|g_fd − g_bp| / max|g_bp| = {:.1e}", r.rel_diff),
    );
    note(ui, l.t("grad_cost_note"));
}
