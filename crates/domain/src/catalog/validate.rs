//! Catalog validation: every problem of a file at once, with row and field,
//! in Chinese, so an administrator fixes the file in one pass.

use super::{Bundle, Department, HANDLINGS, Item, KINDS, MATERIAL_FORMS, Material, ONLINE_LEVELS, SUBJECTS};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// One problem found in an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogProblem {
    /// 事项, 材料 or 办件包 (the sheet or part of the file).
    pub part: String,
    /// 1-based row (JSON: position in the array; XLSX: sheet row).
    pub row: usize,
    /// The item or bundle code the row names, when known.
    pub code: Option<String>,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}第{}行", self.part, self.row)?;
        if let Some(code) = &self.code {
            write!(f, "（{code}）")?;
        }
        write!(f, "，字段 {}：{}", self.field, self.message)
    }
}

/// How departments named by the file are checked.
#[derive(Debug, Clone)]
pub enum DepartmentPolicy {
    /// The hall's registered departments: every item must name one of them
    /// (by name or code).
    Registered(Vec<Department>),
    /// A new hall with no departments yet: the file's departments are
    /// registered, the code taken from the item codes, which must agree.
    Bootstrap,
}

/// A catalog that passed every check, with the departments it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedCatalog {
    pub departments: Vec<Department>,
    pub items: Vec<Item>,
    pub bundles: Vec<Bundle>,
}

struct Collector {
    problems: Vec<CatalogProblem>,
}

impl Collector {
    fn push(&mut self, part: &str, row: usize, code: Option<&str>, field: &str, message: String) {
        self.problems.push(CatalogProblem {
            part: part.to_owned(),
            row,
            code: code.map(str::to_owned),
            field: field.to_owned(),
            message,
        });
    }
}

/// Field reader for one JSON object that records type problems instead of stopping.
struct Row<'a> {
    obj: &'a Map<String, Value>,
    part: &'static str,
    row: usize,
    code: Option<String>,
}

impl<'a> Row<'a> {
    /// A reader over one row, or a problem when the row is not an object.
    fn open(
        c: &mut Collector,
        part: &'static str,
        row: usize,
        value: &'a Value,
        not_object: &str,
    ) -> Option<Row<'a>> {
        let Value::Object(obj) = value else {
            c.push(part, row, None, "-", not_object.into());
            return None;
        };
        let code = obj
            .get("code")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned());
        Some(Row { obj, part, row, code })
    }

    fn string(&self, c: &mut Collector, field: &str) -> String {
        match self.obj.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::String(_)) => {
                self.fail(c, field, "不能为空".into());
                String::new()
            }
            None | Some(Value::Null) => {
                self.fail(c, field, "缺少此字段".into());
                String::new()
            }
            Some(_) => {
                self.fail(c, field, "应为文字".into());
                String::new()
            }
        }
    }

    fn text(&self, c: &mut Collector, field: &str) -> String {
        match self.obj.get(field) {
            Some(Value::String(s)) => s.trim().to_owned(),
            None | Some(Value::Null) => String::new(),
            Some(_) => {
                self.fail(c, field, "应为文字".into());
                String::new()
            }
        }
    }

    fn count(&self, c: &mut Collector, field: &str) -> Option<u32> {
        match self.obj.get(field) {
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if v <= 3650 => Some(v as u32),
                _ => {
                    self.fail(c, field, format!("应为0至3650之间的整数，实际为{n}"));
                    None
                }
            },
            None | Some(Value::Null) => None,
            Some(v) => {
                self.fail(c, field, format!("应为整数，实际为{v}"));
                None
            }
        }
    }

    fn required_count(&self, c: &mut Collector, field: &str) -> u32 {
        if matches!(self.obj.get(field), None | Some(Value::Null)) {
            self.fail(c, field, "缺少此字段".into());
        }
        self.count(c, field).unwrap_or(0)
    }

    fn boolean(&self, c: &mut Collector, field: &str) -> bool {
        match self.obj.get(field) {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => {
                self.fail(c, field, "缺少此字段".into());
                false
            }
            Some(v) => {
                self.fail(c, field, format!("应为 true 或 false，实际为{v}"));
                false
            }
        }
    }

    /// A flag that older files leave out: absent or null is false.
    fn optional_boolean(&self, c: &mut Collector, field: &str) -> bool {
        match self.obj.get(field) {
            None | Some(Value::Null) => false,
            Some(_) => self.boolean(c, field),
        }
    }

    fn one_of(&self, c: &mut Collector, field: &str, allowed: &[&str]) -> String {
        let v = self.string(c, field);
        if !v.is_empty() && !allowed.contains(&v.as_str()) {
            self.fail(c, field, format!("“{v}”无效，应为：{}", allowed.join("、")));
        }
        v
    }

    fn strings(&self, c: &mut Collector, field: &str) -> Vec<String> {
        match self.obj.get(field) {
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for v in a {
                    match v {
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        _ => self.fail(c, field, format!("列表中的“{v}”应为非空文字")),
                    }
                }
                out
            }
            None | Some(Value::Null) => Vec::new(),
            Some(_) => {
                self.fail(c, field, "应为文字列表".into());
                Vec::new()
            }
        }
    }

    fn unknown_fields(&self, c: &mut Collector, known: &[&str]) {
        for k in self.obj.keys() {
            if !known.contains(&k.as_str()) {
                self.fail(c, k, "未知字段".into());
            }
        }
    }

    fn fail(&self, c: &mut Collector, field: &str, message: String) {
        c.push(self.part, self.row, self.code.as_deref(), field, message);
    }
}

const ITEM_FIELDS: [&str; 19] = [
    "code",
    "name",
    "department",
    "kind",
    "handling",
    "statutory_days",
    "promised_days",
    "subject",
    "materials",
    "fee",
    "online",
    "max_visits",
    "keywords",
    "location",
    "hours",
    "phone",
    "complaint_phone",
    "legal_basis",
    "steps",
];
const MATERIAL_FIELDS: [&str; 6] = ["name", "form", "copies", "required", "shareable", "commitment"];
const BUNDLE_FIELDS: [&str; 5] = ["code", "name", "description", "items", "promised_days"];

/// Checks a whole catalog: `items` and `bundles` as JSON values (one per row,
/// with the row number used in messages), against the department policy.
pub fn validate_catalog(
    items: &[(usize, Value)],
    bundles: &[(usize, Value)],
    departments: &DepartmentPolicy,
) -> Result<ValidatedCatalog, Vec<CatalogProblem>> {
    let mut c = Collector { problems: Vec::new() };
    let mut parsed = Vec::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    for (row, value) in items {
        let Some(item) = read_item(&mut c, *row, value) else {
            continue;
        };
        if let Some(first) = codes.get(&item.code) {
            c.push(
                "事项",
                *row,
                Some(&item.code),
                "code",
                format!("事项编码重复（与第{first}行相同）"),
            );
        } else if !item.code.is_empty() {
            codes.insert(item.code.clone(), *row);
        }
        parsed.push((*row, item));
    }
    let depts = resolve_departments(&mut c, &mut parsed, departments);

    let mut bundle_list = Vec::new();
    let mut bundle_codes: HashMap<String, usize> = HashMap::new();
    for (row, value) in bundles {
        let Some(b) = read_bundle(&mut c, *row, value, &codes) else {
            continue;
        };
        if let Some(first) = bundle_codes.get(&b.code) {
            c.push(
                "办件包",
                *row,
                Some(&b.code),
                "code",
                format!("办件包编码重复（与第{first}行相同）"),
            );
        } else {
            bundle_codes.insert(b.code.clone(), *row);
        }
        bundle_list.push(b);
    }
    if items.is_empty() {
        c.push("事项", 0, None, "items", "文件中没有任何事项".into());
    }
    if c.problems.is_empty() {
        Ok(ValidatedCatalog {
            departments: depts,
            items: parsed.into_iter().map(|(_, i)| i).collect(),
            bundles: bundle_list,
        })
    } else {
        Err(c.problems)
    }
}

fn read_item(c: &mut Collector, row: usize, value: &Value) -> Option<Item> {
    let r = Row::open(c, "事项", row, value, "每个事项应为一个对象")?;
    r.unknown_fields(c, &ITEM_FIELDS);
    let code = r.string(c, "code");
    if !code.is_empty()
        && !code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        r.fail(c, "code", format!("编码“{code}”只能包含字母、数字、-和_"));
    }
    let handling = r.one_of(c, "handling", &HANDLINGS);
    let statutory = r.count(c, "statutory_days");
    let promised = r.required_count(c, "promised_days");
    if let Some(s) = statutory
        && promised > s
    {
        r.fail(
            c,
            "promised_days",
            format!("承诺时限（{promised}个工作日）不能超过法定时限（{s}个工作日）"),
        );
    }
    if handling == "即办件" && promised != 0 {
        r.fail(
            c,
            "promised_days",
            format!("即办件的承诺时限应为0，实际为{promised}"),
        );
    }
    if handling == "承诺件" && promised == 0 {
        r.fail(c, "promised_days", "承诺件的承诺时限应至少为1个工作日".into());
    }
    let materials = match r.obj.get("materials") {
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            let mut names = HashSet::new();
            for (i, m) in list.iter().enumerate() {
                if let Some(m) = read_material(c, &r, i + 1, m) {
                    if !names.insert(m.name.clone()) {
                        r.fail(c, "materials", format!("第{}项材料“{}”重复", i + 1, m.name));
                    }
                    out.push(m);
                }
            }
            out
        }
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            r.fail(c, "materials", "应为材料列表".into());
            Vec::new()
        }
    };
    let item = Item {
        name: r.string(c, "name"),
        department: r.string(c, "department"),
        kind: r.one_of(c, "kind", &KINDS),
        handling,
        statutory_days: statutory,
        promised_days: promised,
        subject: r.one_of(c, "subject", &SUBJECTS),
        materials,
        fee: r.string(c, "fee"),
        online: r.one_of(c, "online", &ONLINE_LEVELS),
        max_visits: r.required_count(c, "max_visits"),
        keywords: r.strings(c, "keywords"),
        location: r.text(c, "location"),
        hours: r.text(c, "hours"),
        phone: r.text(c, "phone"),
        complaint_phone: r.text(c, "complaint_phone"),
        legal_basis: r.strings(c, "legal_basis"),
        steps: r.strings(c, "steps"),
        code,
    };
    Some(item)
}

fn read_material(c: &mut Collector, item: &Row<'_>, index: usize, value: &Value) -> Option<Material> {
    let field = |f: &str| format!("materials[{index}].{f}");
    let Value::Object(obj) = value else {
        item.fail(c, &format!("materials[{index}]"), "每项材料应为一个对象".into());
        return None;
    };
    let r = Row {
        obj,
        part: item.part,
        row: item.row,
        code: item.code.clone(),
    };
    // Report material fields with their position so the row is unambiguous.
    let mut sub = Collector { problems: Vec::new() };
    r.unknown_fields(&mut sub, &MATERIAL_FIELDS);
    let m = Material {
        name: r.string(&mut sub, "name"),
        form: r.one_of(&mut sub, "form", &MATERIAL_FORMS),
        copies: r.required_count(&mut sub, "copies"),
        required: r.boolean(&mut sub, "required"),
        shareable: r.boolean(&mut sub, "shareable"),
        // 告知承诺: optional, so catalogs written before it still import.
        commitment: r.optional_boolean(&mut sub, "commitment"),
    };
    if m.copies == 0 && !sub.problems.iter().any(|p| p.field == "copies") {
        r.fail(&mut sub, "copies", "份数应至少为1".into());
    }
    for mut p in sub.problems {
        p.field = field(&p.field);
        c.problems.push(p);
    }
    Some(m)
}

fn read_bundle(
    c: &mut Collector,
    row: usize,
    value: &Value,
    item_codes: &HashMap<String, usize>,
) -> Option<Bundle> {
    let r = Row::open(c, "办件包", row, value, "每个办件包应为一个对象")?;
    r.unknown_fields(c, &BUNDLE_FIELDS);
    let b = Bundle {
        code: r.string(c, "code"),
        name: r.string(c, "name"),
        description: r.text(c, "description"),
        items: r.strings(c, "items"),
        promised_days: r.required_count(c, "promised_days"),
    };
    if b.items.is_empty() {
        r.fail(c, "items", "办件包至少应包含一个事项".into());
    }
    let mut seen = HashSet::new();
    for code in &b.items {
        if !item_codes.contains_key(code) {
            r.fail(c, "items", format!("事项“{code}”不存在"));
        }
        if !seen.insert(code) {
            r.fail(c, "items", format!("事项“{code}”重复"));
        }
    }
    Some(b)
}

/// Resolves each item's department to a registered (or newly registered)
/// department, storing the full name on the item.
fn resolve_departments(
    c: &mut Collector,
    items: &mut [(usize, Item)],
    policy: &DepartmentPolicy,
) -> Vec<Department> {
    let mut used: Vec<Department> = Vec::new();
    match policy {
        DepartmentPolicy::Registered(known) => {
            for (row, item) in items.iter_mut() {
                if item.department.is_empty() {
                    continue;
                }
                let found = known
                    .iter()
                    .find(|d| d.name == item.department || d.code == item.department);
                match found {
                    Some(d) => {
                        item.department = d.name.clone();
                        if !used.contains(d) {
                            used.push(d.clone());
                        }
                    }
                    None => c.push(
                        "事项",
                        *row,
                        Some(&item.code),
                        "department",
                        format!(
                            "未知部门“{}”：该部门未在本大厅登记，请先在“部门管理”中添加",
                            item.department
                        ),
                    ),
                }
            }
        }
        DepartmentPolicy::Bootstrap => {
            let mut by_code: HashMap<String, (String, usize)> = HashMap::new();
            let mut by_name: HashMap<String, (String, usize)> = HashMap::new();
            for (row, item) in items.iter() {
                if item.department.is_empty() || item.code.is_empty() {
                    continue;
                }
                let prefix = item.code_prefix().to_owned();
                match by_code.get(&prefix) {
                    Some((name, first)) if *name != item.department => c.push(
                        "事项",
                        *row,
                        Some(&item.code),
                        "department",
                        format!(
                            "部门编码{prefix}在第{first}行属于“{name}”，此处却为“{}”",
                            item.department
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        if let Some((code, first)) = by_name.get(&item.department) {
                            c.push(
                                "事项",
                                *row,
                                Some(&item.code),
                                "code",
                                format!(
                                    "部门“{}”在第{first}行的编码前缀为{code}，此处却为{prefix}",
                                    item.department
                                ),
                            );
                            continue;
                        }
                        by_code.insert(prefix.clone(), (item.department.clone(), *row));
                        by_name.insert(item.department.clone(), (prefix.clone(), *row));
                        used.push(Department {
                            code: prefix,
                            name: item.department.clone(),
                        });
                    }
                }
            }
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(code: &str) -> Value {
        json!({
            "code": code, "name": "食品经营许可", "department": "东海县市场监督管理局",
            "kind": "行政许可", "handling": "承诺件", "statutory_days": 20, "promised_days": 5,
            "subject": "个人,法人",
            "materials": [{"name": "申请书", "form": "原件", "copies": 1, "required": true, "shareable": false}],
            "fee": "不收费", "online": "全程网办", "max_visits": 0, "keywords": ["开饭店"]
        })
    }

    fn rows(v: Vec<Value>) -> Vec<(usize, Value)> {
        v.into_iter().enumerate().map(|(i, v)| (i + 1, v)).collect()
    }

    #[test]
    fn a_good_catalog_passes_and_registers_departments() {
        let items = rows(vec![item("SCJG-XK-001"), item("SCJG-XK-002")]);
        let bundles = rows(vec![
            json!({"code": "YJS-1", "name": "开店", "description": "", "items": ["SCJG-XK-001"], "promised_days": 5}),
        ]);
        let cat = validate_catalog(&items, &bundles, &DepartmentPolicy::Bootstrap);
        let cat = cat.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(cat.items.len(), 2);
        assert_eq!(
            cat.departments,
            vec![Department {
                code: "SCJG".into(),
                name: "东海县市场监督管理局".into()
            }]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut bad_limits = item("SCJG-XK-002");
        bad_limits["promised_days"] = json!(25);
        let mut bad_immediate = item("SCJG-XK-003");
        bad_immediate["handling"] = json!("即办件");
        let mut unknown_dept = item("SCJG-XK-004");
        unknown_dept["department"] = json!("不存在的局");
        let items = rows(vec![
            item("SCJG-XK-001"),
            bad_limits,
            bad_immediate,
            unknown_dept,
            item("SCJG-XK-001"),
        ]);
        let bundles = rows(vec![
            json!({"code": "YJS-1", "name": "x", "description": "", "items": ["NOPE-1"], "promised_days": 1}),
        ]);
        let known = DepartmentPolicy::Registered(vec![Department {
            code: "SCJG".into(),
            name: "东海县市场监督管理局".into(),
        }]);
        let problems = validate_catalog(&items, &bundles, &known)
            .err()
            .unwrap_or_default();
        let fields: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.field.as_str())).collect();
        assert!(fields.contains(&(2, "promised_days")), "{problems:?}");
        assert!(fields.contains(&(3, "promised_days")));
        assert!(fields.contains(&(4, "department")));
        assert!(fields.contains(&(5, "code")));
        assert!(problems.iter().any(|p| p.part == "办件包" && p.field == "items"));
        assert!(problems.iter().all(|p| !p.message.is_empty()));
        assert!(problems[0].to_string().contains("第2行"));
    }

    #[test]
    fn bootstrap_catches_a_department_that_does_not_match_its_code() {
        let mut other = item("SCJG-XK-002");
        other["department"] = json!("不存在的局");
        let problems = validate_catalog(
            &rows(vec![item("SCJG-XK-001"), other]),
            &[],
            &DepartmentPolicy::Bootstrap,
        )
        .err()
        .unwrap_or_default();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "department");
    }

    proptest::proptest! {
        /// A promised limit over the statutory one is always caught, and only then.
        #[test]
        fn promised_never_exceeds_statutory(statutory in 1u32..60, promised in 1u32..80) {
            let mut v = item("SCJG-XK-001");
            v["statutory_days"] = json!(statutory);
            v["promised_days"] = json!(promised);
            let result = validate_catalog(&rows(vec![v]), &[], &DepartmentPolicy::Bootstrap);
            let flagged = result.err().unwrap_or_default().iter().any(|p| p.field == "promised_days");
            proptest::prop_assert_eq!(flagged, promised > statutory);
        }

        /// Any field of any row replaced by a wrong type is reported for that row, never a panic.
        #[test]
        fn any_corrupted_field_is_reported_for_its_row(
            n in 1usize..6,
            row in 0usize..6,
            field in proptest::sample::select(ITEM_FIELDS.to_vec()),
            junk in proptest::prop_oneof![
                proptest::strategy::Just(json!(null)),
                proptest::strategy::Just(json!(-7)),
                proptest::strategy::Just(json!({"x": 1})),
                proptest::strategy::Just(json!([1, 2])),
            ],
        ) {
            let row = row % n;
            let mut list: Vec<Value> = (0..n).map(|i| item(&format!("SCJG-XK-{i:03}"))).collect();
            list[row][field] = junk.clone();
            let problems = validate_catalog(&rows(list), &[], &DepartmentPolicy::Bootstrap).err().unwrap_or_default();
            // Optional fields may legitimately be null or empty lists.
            let optional = ["statutory_days", "keywords", "materials", "location", "hours", "phone", "complaint_phone", "legal_basis", "steps"];
            let acceptable = junk.is_null() && optional.contains(&field);
            if !acceptable {
                proptest::prop_assert!(problems.iter().any(|p| p.row == row + 1), "{field} {junk} {problems:?}");
            }
        }
    }

    #[test]
    fn wrong_types_and_unknown_fields_are_problems_not_panics() {
        let mut v = item("SCJG-XK-001");
        v["promised_days"] = json!("five");
        v["colour"] = json!("red");
        v["materials"][0]["copies"] = json!(-1);
        let problems = validate_catalog(&rows(vec![v, json!(42)]), &[], &DepartmentPolicy::Bootstrap)
            .err()
            .unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"promised_days"));
        assert!(fields.contains(&"colour"));
        assert!(fields.contains(&"materials[1].copies"));
        assert!(fields.contains(&"-"));
    }
}
