//! One linear layer, observation to action: its weights and the gradient of the loss.

use super::*;

pub(super) fn toy_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
    note(ui, l.t("grad_toy_intro"));
    let t = state.toy();
    let (w, x, wx, a, e) = (
        col(&t.w),
        t.x.as_slice().to_vec(),
        (&t.w * &t.x).as_slice().to_vec(),
        t.target.as_slice().to_vec(),
        t.error().as_slice().to_vec(),
    );
    ui.horizontal(|ui| {
        matrix(ui, "W", &w, 3, 4, 0.0, None);
        op(ui, "·");
        matrix(ui, "x", &x, 4, 1, 0.0, None);
        op(ui, "=");
        matrix(ui, "Wx", &wx, 3, 1, 0.0, None);
    });
    ui.horizontal(|ui| {
        matrix(ui, "Wx", &wx, 3, 1, 0.0, None);
        op(ui, "−");
        matrix(ui, "a*", &a, 3, 1, 0.0, None);
        op(ui, "=");
        matrix(ui, "e", &e, 3, 1, 0.0, None);
        ui.vertical(|ui| {
            ui.add_space(20.0);
            ui.monospace(format!("L = ½‖e‖² = {:.4}", t.loss()));
        });
    });
    ui.checkbox(&mut state.show_grad, l.t("grad_show_grad"));
    if !state.show_grad {
        return;
    }
    let g = col(&t.gradient());
    // The row the error is largest in: the row the gradient changes most.
    let row = (0..3)
        .max_by(|&i, &j| e[i].abs().total_cmp(&e[j].abs()))
        .unwrap_or(0);
    ui.horizontal(|ui| {
        matrix(ui, "e", &e, 3, 1, 0.0, Some(row));
        op(ui, "·");
        matrix(ui, "xᵀ", &x, 1, 4, 0.0, None);
        op(ui, "=");
        matrix(ui, "∇W L", &g, 3, 4, 0.0, Some(row));
    });
    ui.monospace(format!("(3×1)·(1×4) = 3×4 {}", l.t("grad_shape_of")));
    note(
        ui,
        &format!(
            "{} {}: e{} = {:+.3}, {} ({}).",
            l.t("grad_row_reading"),
            row + 1,
            row + 1,
            e[row],
            l.t("grad_row_times_x"),
            (0..4)
                .map(|j| format!("{:+.3}", g[row * 4 + j]))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
}
