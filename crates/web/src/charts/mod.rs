//! 统计图的绘制 (issue 18 part 2): a chart's numbers ([`app::charts::Chart`])
//! drawn as SVG with plotters' SVG backend, for the TV on the wall and for A4:
//! large type (no text under 18 px), black on white, the Okabe–Ito
//! colour-blind-safe palette, Chinese title and axes in a CJK font list, the
//! value on each bar or point, and a `<title>`/`<desc>` for screen readers.
//! The numbers in the SVG are the chart's own, as in the JSON and the table.

use app::charts::{Axis, Chart, SeriesKind};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The fonts, CJK first: Noto/Source Han, then WenQuanYi (Linux), YaHei and PingFang.
pub const FONT_FAMILY: &str =
    "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif";

/// Okabe–Ito: blue, orange, bluish green, reddish purple for bars; vermillion for lines.
const BAR_COLOURS: [RGBColor; 4] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
];
const LINE_COLOURS: [RGBColor; 2] = [RGBColor(0xD5, 0x5E, 0x00), RGBColor(0x00, 0x00, 0x00)];
const INK: RGBColor = RGBColor(0x11, 0x11, 0x11);
const GRID: RGBColor = RGBColor(0xC8, 0xC8, 0xC8);

/// Pixel sizes of the text (as the SVG will say them).
const TITLE_PX: f64 = 38.0;
const SUBTITLE_PX: f64 = 24.0;
const AXIS_PX: f64 = 24.0;
const TICK_PX: f64 = 22.0;
const VALUE_PX: f64 = 20.0;

const HEIGHT: u32 = 720;

/// Plotters writes `font-size` as the size ÷ 1.24.
fn font(px: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px * 1.24, FontStyle::Normal)
}

fn bold(px: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px * 1.24, FontStyle::Bold)
}

fn style(px: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).color(&colour).pos(Pos::new(h, v))
}

/// The width of a text in pixels: CJK and full-width characters one em, others about half.
fn text_width(text: &str, px: f64) -> f64 {
    text.chars()
        .map(|c| if (c as u32) < 0x2E80 { 0.58 } else { 1.0 })
        .sum::<f64>()
        * px
}

/// Cuts a label into lines of at most `width` pixels (at most three lines).
fn wrap(label: &str, px: f64, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for c in label.chars() {
        let mut next = lines.last().cloned().unwrap_or_default();
        next.push(c);
        if text_width(&next, px) > width && lines.last().is_some_and(|l| !l.is_empty()) && lines.len() < 3 {
            lines.push(c.to_string());
        } else if let Some(last) = lines.last_mut() {
            *last = next;
        }
    }
    lines
}

/// A tick label's lines: words (部门名称) wrap to the slot's width; times and
/// numbers (08:30, 0–5) stay whole, and crowded ones are thinned out instead.
fn tick_lines(label: &str, px: f64, width: f64) -> Vec<String> {
    if label.chars().any(|c| c >= '\u{2e80}') {
        wrap(label, px, width)
    } else {
        vec![label.to_owned()]
    }
}

/// A count axis's top: a round number above the largest value.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 5.0;
    }
    let raw = max * 1.18;
    let magnitude = 10f64.powf(raw.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= raw {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// The rate axis: from a round fraction under the lowest rate to 100%.
fn rate_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let low = values.fold(1.0f64, f64::min);
    let floor = ((low - 0.02) * 20.0).floor() / 20.0;
    (floor.clamp(0.0, 0.95), 1.0)
}

/// Numbers as the table prints them: whole numbers without decimals.
pub fn number_text(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A rate as a percentage with two decimals ("98.97%").
pub fn rate_text(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

/// The value of one cell of the table: a count or a rate, "—" where none.
pub fn cell_text(axis: Axis, v: Option<f64>) -> String {
    match (axis, v) {
        (_, None) => "—".into(),
        (Axis::Count, Some(v)) => number_text(v),
        (Axis::Rate, Some(v)) => rate_text(v),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart's numbers in one sentence per series, for `<desc>`.
fn description(chart: &Chart) -> String {
    let mut out = format!("{}，{}。", chart.title, chart.subtitle);
    for s in &chart.series {
        out.push_str(&s.name);
        out.push('：');
        let cells: Vec<String> = chart
            .labels
            .iter()
            .zip(&s.values)
            .map(|(l, v)| format!("{l} {}", cell_text(s.axis, *v)))
            .collect();
        out.push_str(&cells.join("，"));
        out.push('。');
    }
    out
}

type DrawResult<T> = Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Draws a chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, String> {
    let n = chart.labels.len().max(1);
    let width = (200 + n as u32 * 56).clamp(1280, 2400);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, HEIGHT)).into_drawing_area();
        draw(&root, chart, width)?;
        root.present().map_err(err)?;
    }
    let id = chart.name.code();
    let head = format!(
        " role=\"img\" aria-labelledby=\"chart-{id}-title chart-{id}-desc\"><title id=\"chart-{id}-title\">{}</title><desc id=\"chart-{id}-desc\">{}</desc>",
        escape(&chart.title),
        escape(&description(chart))
    );
    // Accessible name and the numbers, right after the opening tag.
    Ok(
        match buf.find("<svg").and_then(|s| buf[s..].find('>').map(|e| s + e)) {
            Some(end) => format!("{}{}{}", &buf[..end], head, &buf[end + 1..]),
            None => buf,
        },
    )
}

fn draw(root: &DrawingArea<SVGBackend<'_>, Shift>, chart: &Chart, width: u32) -> DrawResult<()> {
    root.fill(&WHITE).map_err(err)?;
    let w = width as i32;
    // Title and period.
    root.draw(&Text::new(
        chart.title.clone(),
        (w / 2, 18),
        bold(TITLE_PX).color(&INK).pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        chart.subtitle.clone(),
        (w / 2, 66),
        style(SUBTITLE_PX, INK, HPos::Center, VPos::Top),
    ))
    .map_err(err)?;

    let counts: Vec<&app::charts::Series> = chart.series.iter().filter(|s| s.axis == Axis::Count).collect();
    let rates: Vec<&app::charts::Series> = chart.series.iter().filter(|s| s.axis == Axis::Rate).collect();
    let has_rate = !rates.is_empty();
    let max = counts
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0f64, |m, v| m.max(*v));
    let y_top = nice_max(max);
    let (r_lo, r_hi) = rate_range(rates.iter().flat_map(|s| s.values.iter().flatten().copied()));
    let n = chart.labels.len().max(1);

    // The label area grows with the longest wrapped label.
    let left = 120;
    let right = if has_rate { 130 } else { 40 };
    let slot = (w - left - right) as f64 / n as f64;
    let wrapped: Vec<Vec<String>> = chart
        .labels
        .iter()
        .map(|l| tick_lines(l, TICK_PX, slot - 8.0))
        .collect();
    let label_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as i32;
    let widest = wrapped
        .iter()
        .flat_map(|l| l.iter().map(|x| text_width(x, TICK_PX)))
        .fold(0f64, f64::max);
    // Every k-th label when they would touch (the half-hours of a long day).
    let step = ((widest + 10.0) / slot).ceil().max(1.0) as usize;
    let bottom = 40 + label_lines * (TICK_PX as i32 + 6) + AXIS_PX as i32 + 20;
    let top = 150;

    let area = root.margin(top, bottom, 0, 0);
    let mut builder = ChartBuilder::on(&area);
    builder
        .margin_left(8)
        .margin_right(8)
        .margin_top(0)
        .margin_bottom(0)
        .x_label_area_size(0)
        .y_label_area_size(left - 8)
        .right_y_label_area_size(right - 8);
    let mut ctx = builder
        .build_cartesian_2d(0f64..n as f64, 0f64..y_top)
        .map_err(err)?
        .set_secondary_coord(0f64..n as f64, r_lo..r_hi);
    ctx.configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_labels(6)
        .y_label_formatter(&|v| number_text(*v))
        .label_style(font(TICK_PX).color(&INK))
        .light_line_style(WHITE)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(INK.stroke_width(2))
        .draw()
        .map_err(err)?;
    if has_rate {
        let fine = r_hi - r_lo < 0.1;
        ctx.configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&|v| {
                if fine {
                    format!("{:.1}%", v * 100.0)
                } else {
                    format!("{:.0}%", v * 100.0)
                }
            })
            .label_style(font(TICK_PX).color(&LINE_COLOURS[0]))
            .axis_style(LINE_COLOURS[0].stroke_width(2))
            .draw()
            .map_err(err)?;
    }

    // Bars side by side within each slot.
    let bars: Vec<&&app::charts::Series> = counts.iter().filter(|s| s.kind == SeriesKind::Bar).collect();
    let group = 0.8 / bars.len().max(1) as f64;
    let bar_px = slot * group;
    let show_values = bar_px >= 26.0 || bars.len() <= 1 && slot >= 34.0;
    for (b, s) in bars.iter().enumerate() {
        let colour = BAR_COLOURS[b % BAR_COLOURS.len()];
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let x0 = i as f64 + 0.1 + group * b as f64;
            ctx.draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x0 + group, v)],
                colour.filled(),
            )))
            .map_err(err)?;
            if show_values && v > 0.0 {
                ctx.draw_series(std::iter::once(Text::new(
                    number_text(v),
                    (x0 + group / 2.0, v),
                    font(VALUE_PX)
                        .color(&INK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )))
                .map_err(err)?;
            }
        }
    }
    // Lines with their points: counts on the left axis, rates on the right.
    let lines: Vec<&app::charts::Series> = chart
        .series
        .iter()
        .filter(|s| s.kind == SeriesKind::Line)
        .collect();
    for (l, s) in lines.iter().enumerate() {
        let colour = LINE_COLOURS[l % LINE_COLOURS.len()];
        let points: Vec<(usize, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        // A gap (no value) breaks the line.
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut last: Option<usize> = None;
        for (i, v) in &points {
            if last.is_none_or(|p| p + 1 != *i) {
                runs.push(Vec::new());
            }
            if let Some(run) = runs.last_mut() {
                run.push((*i as f64 + 0.5, *v));
            }
            last = Some(*i);
        }
        let label_points = s.axis == Axis::Rate || points.len() <= 14;
        match s.axis {
            Axis::Rate => {
                for run in runs {
                    ctx.draw_secondary_series(std::iter::once(PathElement::new(run, colour.stroke_width(4))))
                        .map_err(err)?;
                }
                for (i, v) in &points {
                    ctx.draw_secondary_series(std::iter::once(Circle::new(
                        (*i as f64 + 0.5, *v),
                        7,
                        colour.filled(),
                    )))
                    .map_err(err)?;
                    if label_points {
                        ctx.draw_secondary_series(std::iter::once(Text::new(
                            rate_text(*v),
                            (*i as f64 + 0.5, *v),
                            font(VALUE_PX)
                                .color(&colour)
                                .pos(Pos::new(HPos::Center, VPos::Bottom)),
                        )))
                        .map_err(err)?;
                    }
                }
            }
            Axis::Count => {
                for run in runs {
                    ctx.draw_series(std::iter::once(PathElement::new(run, colour.stroke_width(4))))
                        .map_err(err)?;
                }
                for (i, v) in &points {
                    ctx.draw_series(std::iter::once(Circle::new(
                        (*i as f64 + 0.5, *v),
                        6,
                        colour.filled(),
                    )))
                    .map_err(err)?;
                }
            }
        }
    }

    // Category labels under the slots, wrapped, every `step`-th when crowded.
    let (_, plot_bottom) = ctx.backend_coord(&(0.0, 0.0));
    for (i, lines) in wrapped.iter().enumerate() {
        if i % step != 0 {
            continue;
        }
        let (x, _) = ctx.backend_coord(&(i as f64 + 0.5, 0.0));
        for (k, line) in lines.iter().enumerate() {
            root.draw(&Text::new(
                line.clone(),
                (x, plot_bottom + 12 + k as i32 * (TICK_PX as i32 + 6)),
                style(TICK_PX, INK, HPos::Center, VPos::Top),
            ))
            .map_err(err)?;
        }
    }
    // Axis titles: below the labels, and above each value axis.
    let (x_left, plot_top) = ctx.backend_coord(&(0.0, y_top));
    let (x_right, _) = ctx.backend_coord(&(n as f64, 0.0));
    root.draw(&Text::new(
        chart.x_label.clone(),
        (
            (x_left + x_right) / 2,
            plot_bottom + 18 + label_lines * (TICK_PX as i32 + 6),
        ),
        style(AXIS_PX, INK, HPos::Center, VPos::Top),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        chart.y_label.clone(),
        (x_left - 10, plot_top - 14),
        style(AXIS_PX, INK, HPos::Left, VPos::Bottom),
    ))
    .map_err(err)?;
    if let Some(rate_label) = &chart.rate_label {
        root.draw(&Text::new(
            rate_label.clone(),
            (x_right + 10, plot_top - 14),
            style(AXIS_PX, LINE_COLOURS[0], HPos::Right, VPos::Bottom),
        ))
        .map_err(err)?;
    }

    // The legend, right under the subtitle.
    let mut x = w - 40;
    let legend_y = 112;
    let mut legend: Vec<(String, RGBColor, SeriesKind)> = Vec::new();
    for (b, s) in bars.iter().enumerate() {
        legend.push((
            s.name.clone(),
            BAR_COLOURS[b % BAR_COLOURS.len()],
            SeriesKind::Bar,
        ));
    }
    for (l, s) in lines.iter().enumerate() {
        legend.push((
            s.name.clone(),
            LINE_COLOURS[l % LINE_COLOURS.len()],
            SeriesKind::Line,
        ));
    }
    for (name, colour, kind) in legend.iter().rev() {
        let text_w = text_width(name, AXIS_PX) as i32;
        root.draw(&Text::new(
            name.clone(),
            (x, legend_y),
            style(AXIS_PX, INK, HPos::Right, VPos::Center),
        ))
        .map_err(err)?;
        let mark_x = x - text_w - 36;
        match kind {
            SeriesKind::Bar => root
                .draw(&Rectangle::new(
                    [(mark_x, legend_y - 11), (mark_x + 26, legend_y + 11)],
                    colour.filled(),
                ))
                .map_err(err)?,
            SeriesKind::Line => {
                root.draw(&PathElement::new(
                    vec![(mark_x - 4, legend_y), (mark_x + 30, legend_y)],
                    colour.stroke_width(4),
                ))
                .map_err(err)?;
                root.draw(&Circle::new((mark_x + 13, legend_y), 7, colour.filled()))
                    .map_err(err)?;
            }
        }
        x = mark_x - 30;
    }

    // No figure at all: say so in the plot instead of an empty frame.
    let empty = chart
        .series
        .iter()
        .all(|s| s.values.iter().all(|v| v.is_none_or(|v| v == 0.0)));
    if empty {
        root.draw(&Text::new(
            "本期无数据",
            ((x_left + x_right) / 2, (plot_top + plot_bottom) / 2),
            bold(AXIS_PX * 1.5)
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_by_width() {
        assert_eq!(wrap("市场监督管理局", 22.0, 80.0), vec!["市场监", "督管理", "局"]);
        assert_eq!(wrap("09:30", 22.0, 100.0), vec!["09:30"]);
        // Never more than three lines: the rest stays on the last.
        assert_eq!(wrap("一二三四五六七", 22.0, 30.0).len(), 3);
        // A time is never cut in two (08: / 30), however narrow its slot.
        assert_eq!(tick_lines("08:30", 22.0, 30.0), vec!["08:30"]);
        assert_eq!(tick_lines("市场监督管理局", 22.0, 80.0).len(), 3);
    }

    #[test]
    fn axes_are_round() {
        assert_eq!(nice_max(0.0), 5.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(9.0), 20.0);
        assert_eq!(nice_max(170.0), 250.0);
        assert_eq!(rate_range([0.9897, 0.995].into_iter()), (0.95, 1.0));
        assert_eq!(rate_range([0.5].into_iter()), (0.45, 1.0));
        assert_eq!(rate_range(std::iter::empty()), (0.95, 1.0));
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(rate_text(0.9897), "98.97%");
    }
}
