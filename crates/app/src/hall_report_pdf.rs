//! The hall's summary as an A4 PDF made on the server (krilla: the shipped
//! font is embedded as a subset of the glyphs the report uses): the title
//! (某县政务服务中心 2026年11月 月报), the period and who made it, then each
//! table of `hall_report_xlsx::tables` with its header repeated on a new
//! page, and 第 N 页 共 M 页 at the foot of every page.

use crate::hall_report::HallSummary;
use crate::hall_report_xlsx::{Cell, Table, tables};
use crate::{AppError, AppResult};
use krilla::Document;
use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

/// WenQuanYi Micro Hei cut to GB 2312 (see `crates/app/fonts/README.md`).
pub static REPORT_FONT: &[u8] = include_bytes!("../fonts/wqy-microhei-gb2312.ttf");

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.5;
const ROW: f32 = 20.0;
const FOOT: f32 = 40.0;

/// What one page draws, laid out before any is drawn so the foot can say 共 M 页.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    /// A filled rectangle (the table header's shade).
    Shade {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// A hairline from (x1, y1) to (x2, y2).
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// The width a text takes: a CJK character is one em, the rest about half.
fn width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 1.0 } else { 0.55 })
        .sum::<f32>()
        * size
}

/// Cuts a text to fit `room` points, ending with “…” when cut.
fn fit(text: &str, size: f32, room: f32) -> String {
    if width(text, size) <= room {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        let next = format!("{out}{c}…");
        if width(&next, size) > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }
}

struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Makes room for `h` points, starting a new page when the page is full.
    fn room(&mut self, h: f32) -> bool {
        if self.y + h > PAGE_H - MARGIN - FOOT {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn text(&mut self, x: f32, size: f32, text: impl Into<String>) {
        let y = self.y + size;
        self.page().push(Op::Text {
            x,
            y,
            size,
            text: text.into(),
        });
    }

    fn columns(t: &Table) -> Vec<f32> {
        let inner = PAGE_W - 2.0 * MARGIN;
        let n = t.head.len().max(1);
        if n == 2 {
            return vec![inner * 0.6, inner * 0.4];
        }
        let first = inner * 0.26;
        let rest = (inner - first) / (n - 1) as f32;
        std::iter::once(first)
            .chain(std::iter::repeat_n(rest, n - 1))
            .collect()
    }

    fn row(&mut self, widths: &[f32], cells: &[Cell], head: bool) {
        let top = self.y;
        let mut x = MARGIN;
        if head {
            self.page().push(Op::Shade {
                x: MARGIN,
                y: top,
                w: widths.iter().sum(),
                h: ROW,
            });
        }
        let size = if head { 9.5 } else { BODY };
        for (w, cell) in widths.iter().zip(cells) {
            let (text, right) = match cell {
                Cell::Text(s) => (fit(s, size, w - 8.0), false),
                Cell::Number(v) => (number_text(*v), true),
                Cell::Empty => ("—".to_owned(), true),
            };
            let tx = if right && !head {
                x + w - 4.0 - width(&text, size)
            } else {
                x + 4.0
            };
            self.page().push(Op::Text {
                x: tx,
                y: top + (ROW + size) / 2.0 - 1.5,
                size,
                text,
            });
            self.page().push(Op::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: top + ROW,
            });
            x += w;
        }
        let right = MARGIN + widths.iter().sum::<f32>();
        self.page().push(Op::Line {
            x1: right,
            y1: top,
            x2: right,
            y2: top + ROW,
        });
        self.page().push(Op::Line {
            x1: MARGIN,
            y1: top,
            x2: right,
            y2: top,
        });
        self.page().push(Op::Line {
            x1: MARGIN,
            y1: top + ROW,
            x2: right,
            y2: top + ROW,
        });
        self.y += ROW;
    }

    fn table(&mut self, n: usize, t: &Table) {
        const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        self.room(24.0 + 2.0 * ROW);
        let heading = format!("{}、{}", NUMERALS.get(n).copied().unwrap_or("十"), t.name);
        self.text(MARGIN, 13.0, heading);
        self.y += 22.0;
        let widths = Self::columns(t);
        let head: Vec<Cell> = t.head.iter().map(|h| Cell::from(*h)).collect();
        self.row(&widths, &head, true);
        if t.lines.is_empty() {
            let full = [widths.iter().sum::<f32>()];
            self.row(&full, &[Cell::from("（本期无记录）")], false);
        }
        for line in &t.lines {
            if self.room(ROW) {
                self.row(&widths, &head, true);
            }
            self.row(&widths, line, false);
        }
        self.y += 14.0;
    }
}

/// The summary as an A4 PDF.
pub fn pdf(r: &HallSummary, made_on: &str) -> AppResult<Vec<u8>> {
    let font = Font::new(REPORT_FONT.into(), 0)
        .ok_or_else(|| AppError::internal(std::io::Error::other("报表字体无法读取")))?;
    let mut l = Layout {
        pages: Vec::new(),
        y: MARGIN,
    };
    let title_size = 18.0;
    let title = fit(&r.title, title_size, PAGE_W - 2.0 * MARGIN);
    let tx = (PAGE_W - width(&title, title_size)) / 2.0;
    l.text(tx.max(MARGIN), title_size, title);
    l.y += 34.0;
    let scope = match &r.department {
        Some(d) => format!("统计范围：{}（{}）", d.name, d.code),
        None => "统计范围：全厅".to_owned(),
    };
    for line in [
        format!("统计期间：{} 至 {}", r.from, r.to),
        scope,
        format!("编制单位：{}    编制日期：{made_on}", r.hall),
    ] {
        l.text(MARGIN, BODY, line);
        l.y += 18.0;
    }
    l.y += 10.0;
    for (n, t) in tables(r).iter().enumerate() {
        l.table(n, t);
    }
    l.room(40.0);
    for line in [
        "说明：办结率=办结数÷受理数；满意率=（非常满意+满意+基本满意）÷有效评价；",
        "数据取自本厅各业务记录（含导入的历史台账和评价）。",
    ] {
        l.text(MARGIN, 9.0, line);
        l.y += 14.0;
    }

    let total = l.pages.len();
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(r.title.clone())
            .language("zh-CN".into())
            .creator("govhall".into()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| AppError::internal(std::io::Error::other("A4 页面尺寸无效")))?;
    for (i, ops) in l.pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, size, text } => {
                    s.set_fill(Some(Fill::default()));
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Shade { x, y, w, h } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            s.set_fill(Some(Fill {
                                paint: luma::Color::new(225).into(),
                                opacity: NormalizedF32::ONE,
                                rule: Default::default(),
                            }));
                            s.set_stroke(None);
                            s.draw_path(&path);
                        }
                    }
                }
                Op::Line { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(60, 60, 60).into(),
                            width: 0.6,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
            }
        }
        let foot = format!("第 {} 页  共 {total} 页", i + 1);
        s.set_fill(Some(Fill::default()));
        s.draw_text(
            Point::from_xy((PAGE_W - width(&foot, 9.0)) / 2.0, PAGE_H - MARGIN + 10.0),
            font.clone(),
            9.0,
            &foot,
            false,
            TextDirection::Auto,
        );
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| AppError::internal(std::io::Error::other(format!("PDF 生成失败：{e:?}"))))
}
