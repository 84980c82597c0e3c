//! The hall's summary as a workbook: one sheet per table (概况, 取号等候,
//! 办件, 评价, 整改投诉督查, 月度考核), headed by the report's title.

use crate::hall_report::HallSummary;
use crate::{AppError, AppResult};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// A cell: text, a number, or nothing (a rate with nothing to divide).
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Number(v)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Number)
    }
}

macro_rules! count_cells {
    ($($t:ty),*) => {$(
        impl From<$t> for Cell {
            fn from(v: $t) -> Cell {
                Cell::Number(v as f64)
            }
        }
    )*};
}
count_cells!(u64, i64, usize, u32);

/// A rate as a percentage with two places (0.9977 → 99.77).
pub fn percent(rate: Option<f64>) -> Cell {
    rate.map_or(Cell::Empty, |r| Cell::Number((r * 10_000.0).round() / 100.0))
}

/// One table of the report: its sheet name, header and lines.
pub struct Table {
    pub name: &'static str,
    pub head: Vec<&'static str>,
    pub lines: Vec<Vec<Cell>>,
}

/// The report's tables, in the order the page and the PDF show them.
pub fn tables(r: &HallSummary) -> Vec<Table> {
    let overview: Vec<(&str, Cell)> = vec![
        ("来厅人次（取号）", r.visitors.into()),
        ("已叫号", r.tickets.called.into()),
        ("已办结（窗口）", r.tickets.served.into()),
        ("过号", r.tickets.skipped.into()),
        ("平均等候（分钟）", r.avg_wait_minutes.into()),
        ("90%等候不超过（分钟）", r.p90_wait_minutes.into()),
        ("最长等候（分钟）", r.tickets.max_wait_minutes.into()),
        ("平均办理（分钟）", r.tickets.avg_service_minutes.into()),
        ("受理办件", r.accepted.into()),
        ("办结", r.completed.into()),
        ("办结率（%）", percent(r.completion_rate)),
        ("按期办结", r.on_time.into()),
        ("按期办结率（%）", percent(r.on_time_rate)),
        ("超期未办结", r.overdue.into()),
        ("一件事", r.bundle_cases.into()),
        ("网上申报", r.online.applications.into()),
        ("网上申报受理办件", r.online.cases.into()),
        ("网办占比（%）", percent(r.online.share)),
        ("评价总数", r.evaluations.into()),
        ("有效评价", r.evaluation.valid.into()),
        ("差评", r.evaluation.bad.into()),
        ("满意率（%）", percent(r.satisfaction_rate)),
        ("整改（新开）", r.rectifications.opened.into()),
        ("投诉", r.complaints.into()),
        ("督查", r.inspections.count.into()),
        ("督查扣分", r.inspections.deductions.into()),
        (
            "打击黄牛（处置次数）",
            r.scalper_actions.map_or(Cell::from("全厅统计"), Cell::from),
        ),
    ];
    let mut out = vec![Table {
        name: "概况",
        head: vec!["指标", "数值"],
        lines: overview
            .into_iter()
            .map(|(k, v)| vec![Cell::from(k), v])
            .collect(),
    }];
    out.push(Table {
        name: "取号等候",
        head: vec![
            "业务类别",
            "取号",
            "已叫号",
            "已办结",
            "过号",
            "平均等候(分)",
            "P90等候(分)",
            "平均办理(分)",
        ],
        lines: r
            .categories
            .iter()
            .map(|c| {
                vec![
                    c.name.clone().into(),
                    c.figures.taken.into(),
                    c.figures.called.into(),
                    c.figures.served.into(),
                    c.figures.skipped.into(),
                    c.figures.avg_wait_minutes.into(),
                    c.figures.p90_wait_minutes.into(),
                    c.figures.avg_service_minutes.into(),
                ]
            })
            .collect(),
    });
    out.push(Table {
        name: "办件",
        head: vec!["部门", "受理", "办结", "办结率(%)", "按期办结率(%)", "超期"],
        lines: r
            .departments
            .iter()
            .map(|d| {
                vec![
                    d.name.clone().into(),
                    d.accepted.into(),
                    d.completed.into(),
                    percent(d.completion_rate),
                    percent(d.on_time_rate),
                    d.overdue.into(),
                ]
            })
            .chain(std::iter::once(vec![
                "合计".into(),
                r.accepted.into(),
                r.completed.into(),
                percent(r.completion_rate),
                percent(r.on_time_rate),
                r.overdue.into(),
            ]))
            .collect(),
    });
    let valid = r.evaluation.valid;
    out.push(Table {
        name: "评价",
        head: vec!["评价等级", "有效评价", "占比(%)"],
        lines: r
            .evaluation
            .by_level
            .iter()
            .map(|l| {
                vec![
                    l.label.into(),
                    l.count.into(),
                    percent((valid > 0).then(|| l.count as f64 / valid as f64)),
                ]
            })
            .chain([
                vec!["有效评价合计".into(), valid.into(), Cell::Empty],
                vec![
                    "申诉核减（不计入）".into(),
                    r.evaluation.excluded.into(),
                    Cell::Empty,
                ],
                vec!["满意率".into(), Cell::Empty, percent(r.satisfaction_rate)],
            ])
            .collect(),
    });
    out.push(Table {
        name: "整改投诉督查",
        head: vec!["项目", "数量"],
        lines: vec![
            vec!["差评整改".into(), r.rectifications.from_evaluations.into()],
            vec!["投诉整改".into(), r.rectifications.from_complaints.into()],
            vec!["督查整改".into(), r.rectifications.from_inspections.into()],
            vec!["其中已办结".into(), r.rectifications.closed.into()],
            vec!["收到投诉".into(), r.complaints.into()],
            vec!["督查次数".into(), r.inspections.count.into()],
            vec!["督查扣分".into(), r.inspections.deductions.into()],
            vec![
                "打击黄牛（处置次数）".into(),
                r.scalper_actions.map_or(Cell::from("全厅统计"), Cell::from),
            ],
        ],
    });
    let flag_of = |m: &crate::hall_report::AssessmentMonth| match (&m.red_flag_window, &m.red_flag_name) {
        (Some(w), Some(n)) => format!("{w}号窗口 {n}"),
        (Some(w), None) => format!("{w}号窗口"),
        _ => "空缺".into(),
    };
    let (head, lines) = if r.department.is_some() {
        // One department: its line of each month.
        let mut lines = Vec::new();
        for m in &r.assessment {
            for d in &m.departments {
                lines.push(vec![
                    m.month.clone().into(),
                    flag_of(m).into(),
                    d.score.into(),
                    d.grade_label.into(),
                    d.rank.into(),
                    if d.vetoed {
                        format!("一票否决：{}", d.veto_reasons.join("；")).into()
                    } else {
                        "—".into()
                    },
                ]);
            }
            if m.departments.is_empty() {
                lines.push(vec![
                    m.month.clone().into(),
                    flag_of(m).into(),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]);
            }
        }
        (vec!["月份", "流动红旗", "得分", "等次", "名次", "否决"], lines)
    } else {
        // The hall: one line a month (every department's score is in the JSON).
        let lines = r
            .assessment
            .iter()
            .map(|m| {
                let best = m.departments.iter().max_by(|a, b| a.score.total_cmp(&b.score));
                let worst = m.departments.iter().min_by(|a, b| a.score.total_cmp(&b.score));
                let named = |d: Option<&crate::hall_report::AssessedLine>| {
                    d.map_or(Cell::Empty, |d| format!("{} {}", d.name, d.score).into())
                };
                let vetoed: Vec<&str> = m
                    .departments
                    .iter()
                    .filter(|d| d.vetoed)
                    .map(|d| d.name.as_str())
                    .collect();
                vec![
                    m.month.clone().into(),
                    flag_of(m).into(),
                    m.departments.len().into(),
                    named(best),
                    named(worst),
                    if vetoed.is_empty() {
                        "—".into()
                    } else {
                        vetoed.join("、").into()
                    },
                ]
            })
            .collect();
        (
            vec!["月份", "流动红旗", "参评部门", "最高分", "最低分", "一票否决"],
            lines,
        )
    };
    out.push(Table {
        name: "月度考核",
        head,
        lines,
    });
    out
}

fn write_table(sheet: &mut Worksheet, title: &str, t: &Table) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = Format::new().set_bold();
    sheet.set_name(t.name)?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in t.head.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    for (i, line) in t.lines.iter().enumerate() {
        let row = (i + 3) as u32;
        for (c, cell) in line.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(row, c as u16, s)?;
                }
                Cell::Number(v) => {
                    sheet.write_number(row, c as u16, *v)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_column_width(0, 24)?;
    Ok(())
}

/// The workbook of a summary.
pub fn workbook(r: &HallSummary) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    for t in tables(r) {
        let sheet = book.add_worksheet();
        write_table(sheet, &r.title, &t).map_err(AppError::internal)?;
    }
    book.save_to_buffer().map_err(AppError::internal)
}
