//! Tests of the XLSX catalog workbook: round trip and problem reporting.
use super::*;
use domain::catalog::{DepartmentPolicy, validate_catalog};

const CATALOG: &str = include_str!("../../demo/catalog.json");
const BUNDLES: &str = include_str!("../../demo/bundles.json");

fn demo() -> (Vec<Item>, Vec<Bundle>) {
    (
        serde_json::from_str(CATALOG).unwrap(),
        serde_json::from_str(BUNDLES).unwrap(),
    )
}

#[test]
fn the_demo_catalog_survives_a_round_trip() {
    let (items, bundles) = demo();
    let bytes = write_catalog_xlsx(&items, &bundles).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let rows = read_catalog_xlsx(&bytes).unwrap();
    assert_eq!(rows.items.len(), items.len());
    assert_eq!(rows.bundles.len(), bundles.len());
    // Sheet rows: the header is row 1.
    assert_eq!(rows.items[0].0, 2);
    assert_eq!(rows.items.last().unwrap().0, items.len() + 1);
    let cat = validate_catalog(&rows.items, &rows.bundles, &DepartmentPolicy::Bootstrap)
        .unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(cat.items, items);
    assert_eq!(cat.bundles, bundles);
    // The JSON objects are those of catalog.json, field for field.
    let json: Vec<Value> = serde_json::from_str(CATALOG).unwrap();
    for ((_, read), original) in rows.items.iter().zip(&json) {
        assert_eq!(read, original);
    }
    // A null statutory limit survives as an empty cell.
    assert!(items.iter().any(|i| i.statutory_days.is_none()));
}

#[test]
fn an_empty_catalog_can_be_written_and_read() {
    let bytes = write_catalog_xlsx(&[], &[]).unwrap();
    let rows = read_catalog_xlsx(&bytes).unwrap();
    assert!(rows.items.is_empty() && rows.bundles.is_empty());
}

/// A cell for hand-made test workbooks.
enum C {
    S(&'static str),
    N(f64),
    B(bool),
    E,
}
use C::{B, E, N, S};

fn workbook(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in (0u32..).zip(rows) {
            for (c, cell) in (0u16..).zip(row) {
                match cell {
                    S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    B(b) => {
                        ws.write_boolean(r, c, *b).unwrap();
                    }
                    E => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The item columns in a different order, some headers only in Chinese.
fn item_header() -> Vec<C> {
    vec![
        S("name 事项名称"),
        S("code 事项编码"),
        S("备注"),
        S("department 实施部门"),
        S("kind"),
        S("handling 办件类型"),
        S("statutory_days 法定时限(工作日)"),
        S("promised_days 承诺时限(工作日)"),
        S("服务对象"),
        S("fee 收费"),
        S("online 网办深度"),
        S("max_visits 最多跑动次数"),
        S("keywords 关键词"),
    ]
}

fn item_row(code: &'static str, promised: C) -> Vec<C> {
    vec![
        S("食品经营许可"),
        S(code),
        S("随便写"),
        S("东海县市场监督管理局"),
        S("行政许可"),
        S("承诺件"),
        N(20.0),
        promised,
        S("个人,法人"),
        S("不收费"),
        S("全程网办"),
        N(0.0),
        S("开饭店，开餐馆, 小吃店、"),
    ]
}

fn material_header() -> Vec<C> {
    vec![
        S("item_code 事项编码"),
        S("name 材料名称"),
        S("form 形式"),
        S("copies 份数"),
        S("required 是否必需"),
        S("shareable 可共享免提交"),
    ]
}

fn material(code: &'static str, name: &'static str, required: C, shareable: C) -> Vec<C> {
    vec![S(code), S(name), S("原件"), N(1.0), required, shareable]
}

#[test]
fn cells_become_the_json_of_catalog_json() {
    let bytes = workbook(&[
        (
            "事项",
            vec![
                item_header(),
                item_row("SCJG-XK-001", N(5.0)),
                vec![],
                item_row("SCJG-XK-002", S("7")),
            ],
        ),
        (
            "材料",
            vec![
                material_header(),
                material("SCJG-XK-001", "申请书", S("是"), S("否")),
                material("SCJG-XK-002", "营业执照", B(true), N(0.0)),
                material("SCJG-XK-001", "身份证", S("TRUE"), S("1")),
            ],
        ),
    ]);
    let rows = read_catalog_xlsx(&bytes).unwrap();
    assert!(rows.bundles.is_empty());
    let rownums: Vec<usize> = rows.items.iter().map(|(r, _)| *r).collect();
    assert_eq!(rownums, [2, 4], "the blank row is skipped, not renumbered");
    let first = &rows.items[0].1;
    assert_eq!(first["promised_days"], serde_json::json!(5));
    assert!(first["promised_days"].is_u64());
    assert_eq!(first["statutory_days"], serde_json::json!(20));
    assert_eq!(first["subject"], "个人,法人");
    assert_eq!(
        first["keywords"],
        serde_json::json!(["开饭店", "开餐馆", "小吃店"])
    );
    assert!(first.get("备注").is_none());
    assert_eq!(
        first["materials"],
        serde_json::json!([
            {"name": "申请书", "form": "原件", "copies": 1, "required": true, "shareable": false},
            {"name": "身份证", "form": "原件", "copies": 1, "required": true, "shareable": true},
        ])
    );
    assert_eq!(rows.items[1].1["promised_days"], serde_json::json!(7));
    assert_eq!(
        rows.items[1].1["materials"][0]["shareable"],
        serde_json::json!(false)
    );
    let cat = validate_catalog(&rows.items, &rows.bundles, &DepartmentPolicy::Bootstrap)
        .unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(cat.items.len(), 2);
}

#[test]
fn bad_cells_are_reported_with_sheet_row_and_field() {
    let mut no_limit = item_row("SCJG-XK-003", N(2.0));
    no_limit[6] = E;
    let mut fraction = item_row("SCJG-XK-004", N(2.5));
    fraction[11] = S("两次");
    let bytes = workbook(&[
        (
            "事项",
            vec![
                item_header(),
                item_row("SCJG-XK-001", N(5.0)),
                item_row("SCJG-XK-002", S("abc")),
                no_limit,
                fraction,
            ],
        ),
        (
            "材料",
            vec![
                material_header(),
                material("SCJG-XK-001", "申请书", S("是"), S("也许")),
            ],
        ),
        (
            "办件包",
            vec![
                vec![
                    S("code"),
                    S("name"),
                    S("description"),
                    S("items"),
                    S("promised_days"),
                ],
                vec![S("YJS-1"), S("开店"), E, S("SCJG-XK-001、NOPE-1"), S("五")],
            ],
        ),
    ]);
    let rows = read_catalog_xlsx(&bytes).unwrap();
    assert_eq!(rows.items[2].1["statutory_days"], Value::Null);
    let problems = validate_catalog(&rows.items, &rows.bundles, &DepartmentPolicy::Bootstrap)
        .err()
        .unwrap_or_default();
    let at = |part: &str, row: usize, field: &str| {
        problems
            .iter()
            .find(|p| p.part == part && p.row == row && p.field == field)
            .unwrap_or_else(|| panic!("no problem at {part} {row} {field}: {problems:#?}"))
    };
    let p = at("事项", 3, "promised_days");
    assert_eq!(p.code.as_deref(), Some("SCJG-XK-002"));
    assert!(p.message.contains("abc"), "{p:?}");
    assert!(at("事项", 5, "promised_days").message.contains("2.5"));
    assert!(at("事项", 5, "max_visits").message.contains("两次"));
    assert!(
        at("事项", 2, "materials[1].shareable")
            .message
            .contains("应为 true 或 false")
    );
    at("办件包", 2, "items");
    at("办件包", 2, "promised_days");
    // The item with no statutory limit is fine.
    assert!(!problems.iter().any(|p| p.row == 4), "{problems:#?}");
}

#[test]
fn a_material_for_an_unknown_item_is_a_structural_problem() {
    let bytes = workbook(&[
        ("事项", vec![item_header(), item_row("SCJG-XK-001", N(5.0))]),
        (
            "材料",
            vec![
                material_header(),
                material("SCJG-XK-001", "申请书", S("是"), S("否")),
                vec![],
                material("SCJG-XK-009", "营业执照", S("是"), S("是")),
                material("", "身份证", S("是"), S("是")),
            ],
        ),
    ]);
    let problems = read_catalog_xlsx(&bytes).err().unwrap();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(
        (
            problems[0].part.as_str(),
            problems[0].row,
            problems[0].field.as_str()
        ),
        ("材料", 4, "item_code")
    );
    assert_eq!(problems[0].code.as_deref(), Some("SCJG-XK-009"));
    assert!(problems[0].message.contains("SCJG-XK-009"));
    assert_eq!((problems[1].row, problems[1].field.as_str()), (5, "item_code"));
}

#[test]
fn missing_and_duplicate_columns_are_reported_on_the_header_row() {
    let mut header = item_header();
    header.retain(|c| !matches!(c, S(s) if s.starts_with("promised_days")));
    header.push(S("code"));
    let bytes = workbook(&[("事项", vec![header])]);
    let problems = read_catalog_xlsx(&bytes).err().unwrap();
    let fields: Vec<(&str, usize, &str)> = problems
        .iter()
        .map(|p| (p.part.as_str(), p.row, p.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        [("事项", 1, "code"), ("事项", 1, "promised_days")],
        "{problems:#?}"
    );
    assert!(problems[0].message.contains("B列和M列"), "{problems:#?}");
}

#[test]
fn a_workbook_without_the_item_sheet_or_not_a_workbook_at_all() {
    let bytes = workbook(&[("Sheet1", vec![vec![S("x")]])]);
    let problems = read_catalog_xlsx(&bytes).err().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].part.as_str(), problems[0].row), ("事项", 0));
    assert!(problems[0].message.contains("Sheet1"));

    let problems = read_catalog_xlsx(b"PK\x03\x04 not really").err().unwrap();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("XLSX"));
    assert!(read_catalog_xlsx(b"[]").is_err());
}

#[test]
fn column_letters_count_like_excel() {
    assert_eq!(column_letters(0), "A");
    assert_eq!(column_letters(25), "Z");
    assert_eq!(column_letters(26), "AA");
    assert_eq!(column_letters(27), "AB");
    assert_eq!(column_letters(701), "ZZ");
    assert_eq!(column_letters(702), "AAA");
}

// issue 17: 告知承诺制
#[test]
fn the_commitment_column_is_read_when_there_and_optional_when_not() {
    let mut header = material_header();
    header.push(S("commitment 可告知承诺"));
    let with = |name: &'static str, c: C| {
        let mut row = material("SCJG-XK-001", name, S("是"), S("否"));
        row.push(c);
        row
    };
    let bytes = workbook(&[
        ("事项", vec![item_header(), item_row("SCJG-XK-001", N(5.0))]),
        ("材料", vec![header, with("健康证明", S("是")), with("申请书", E)]),
    ]);
    let rows = read_catalog_xlsx(&bytes).unwrap();
    let materials = &rows.items[0].1["materials"];
    assert_eq!(materials[0]["commitment"], serde_json::json!(true));
    assert!(materials[1].get("commitment").is_none(), "{materials}");
    let cat = validate_catalog(&rows.items, &rows.bundles, &DepartmentPolicy::Bootstrap)
        .unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(cat.items[0].materials[0].commitment);
    assert!(!cat.items[0].materials[1].commitment);
    // Written back: 是 where allowed, empty elsewhere.
    let again = read_catalog_xlsx(&write_catalog_xlsx(&cat.items, &[]).unwrap()).unwrap();
    assert_eq!(again.items[0].1["materials"], *materials);
}
