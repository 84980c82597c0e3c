//! The campaign rules' tests: fields named, phases, baselines, overdue tasks, targets.
use super::*;
use jiff::civil::date as d;

fn campaign() -> CampaignText {
    CampaignText {
        name: "百日大提升".into(),
        from: "2026-09-01".into(),
        to: "2026-12-09".into(),
        phases: vec![
            PhaseText {
                name: "动员部署".into(),
                from: "2026-09-01".into(),
                to: "2026-09-10".into(),
            },
            PhaseText {
                name: "集中整改".into(),
                from: "2026-09-11".into(),
                to: "2026-11-30".into(),
            },
            PhaseText {
                name: "总结提升".into(),
                from: "2026-12-01".into(),
                to: "2026-12-09".into(),
            },
        ],
        tasks: vec![TaskText {
            title: "每窗口每周一次晨会".into(),
            owner: " staff ".into(),
            due: "2026-10-01".into(),
        }],
        kpis: vec![
            KpiText {
                metric: "satisfaction_rate".into(),
                target: 0.99,
            },
            KpiText {
                metric: "avg_wait_minutes".into(),
                target: 10.0,
            },
        ],
    }
}

fn field_of(c: &CampaignText) -> String {
    check(c).unwrap_err().field
}

#[test]
fn a_good_campaign_is_checked_and_trimmed() {
    let p = check(&campaign()).unwrap();
    assert_eq!(p.name, "百日大提升");
    assert_eq!((p.from, p.to), (d(2026, 9, 1), d(2026, 12, 9)));
    assert_eq!(p.phases.len(), 3);
    assert_eq!(p.tasks[0].owner, "staff");
    assert_eq!(p.kpis[0].metric, Metric::SatisfactionRate);
    assert_eq!(days_between(p.from, p.to), 100, "百日");
}

#[test]
fn dates_and_names_are_named_by_field() {
    let mut c = campaign();
    c.name = "  ".into();
    assert_eq!(field_of(&c), "name");
    let mut c = campaign();
    c.from = "2026-13-01".into();
    assert_eq!(field_of(&c), "from");
    let mut c = campaign();
    c.to = "2026-08-31".into();
    let e = check(&c).unwrap_err();
    assert_eq!(e.field, "to");
    assert!(e.message.contains("早于"), "{}", e.message);
    let mut c = campaign();
    c.to = "2027-09-02".into();
    c.phases.clear();
    c.tasks.clear();
    assert_eq!(field_of(&c), "to", "longer than a year");
}

#[test]
fn phases_lie_inside_and_never_overlap() {
    let mut c = campaign();
    c.phases[1].to = "2026-12-31".into();
    let e = check(&c).unwrap_err();
    assert_eq!(e.field, "phases[1].to");
    assert!(e.message.contains("不在活动期间"), "{}", e.message);

    let mut c = campaign();
    c.phases[0].from = "2026-08-30".into();
    assert_eq!(field_of(&c), "phases[0].from");

    let mut c = campaign();
    c.phases[1].to = "2026-09-05".into();
    assert_eq!(field_of(&c), "phases[1].to", "ends before it starts");

    // The third phase starts on the second's last day: overlap, named on the third.
    let mut c = campaign();
    c.phases[2].from = "2026-11-30".into();
    let e = check(&c).unwrap_err();
    assert_eq!(e.field, "phases[2].from");
    assert!(e.message.contains("重叠"), "{}", e.message);

    // Given out of order, still checked by date.
    let mut c = campaign();
    c.phases.swap(0, 2);
    assert!(check(&c).is_ok());
    c.phases[2].to = "2026-09-12".into();
    assert_eq!(field_of(&c), "phases[1].from");

    let mut c = campaign();
    c.phases[1].name = String::new();
    assert_eq!(field_of(&c), "phases[1].name");
}

#[test]
fn tasks_need_an_owner_and_a_due_date_inside() {
    let mut c = campaign();
    c.tasks[0].owner = " ".into();
    assert_eq!(field_of(&c), "tasks[0].owner");
    let mut c = campaign();
    c.tasks[0].due = "2027-01-01".into();
    assert_eq!(field_of(&c), "tasks[0].due");
    let mut c = campaign();
    c.tasks[0].due = "明天".into();
    assert_eq!(field_of(&c), "tasks[0].due");
    let mut c = campaign();
    c.tasks[0].title = "很".repeat(MAX_TASK_TITLE + 1);
    assert_eq!(field_of(&c), "tasks[0].title");
}

#[test]
fn kpis_name_a_known_metric_once_with_a_sensible_target() {
    let mut c = campaign();
    c.kpis[0].metric = "happiness".into();
    let e = check(&c).unwrap_err();
    assert_eq!(e.field, "kpis[0].metric");
    assert!(e.message.contains("satisfaction_rate"), "{}", e.message);

    let mut c = campaign();
    c.kpis[1].metric = "satisfaction_rate".into();
    assert_eq!(field_of(&c), "kpis[1].metric", "twice");

    let mut c = campaign();
    c.kpis[0].target = 98.0;
    let e = check(&c).unwrap_err();
    assert_eq!(e.field, "kpis[0].target");
    assert!(
        e.message.contains("0到1"),
        "a rate is a fraction, as the report's"
    );

    let mut c = campaign();
    c.kpis[1].target = -1.0;
    assert_eq!(field_of(&c), "kpis[1].target");
    c.kpis[1].target = f64::NAN;
    assert_eq!(field_of(&c), "kpis[1].target");

    let mut c = campaign();
    c.kpis.push(KpiText {
        metric: "complaints".into(),
        target: 2.5,
    });
    assert_eq!(field_of(&c), "kpis[2].target", "a count is whole");

    for m in Metric::ALL {
        assert_eq!(Metric::parse(m.code()), Some(m));
    }
}

#[test]
fn the_baseline_is_the_equal_period_just_before() {
    let (f, t) = (d(2026, 9, 1), d(2026, 12, 9));
    assert_eq!(baseline_period(f, t), (d(2026, 5, 24), d(2026, 8, 31)));
    assert_eq!(days_between(d(2026, 5, 24), d(2026, 8, 31)), 100);
    // One day: the day before.
    assert_eq!(baseline_period(f, f), (d(2026, 8, 31), d(2026, 8, 31)));
    // Across a year end, leap day counted.
    assert_eq!(
        baseline_period(d(2024, 3, 1), d(2024, 3, 31)),
        (d(2024, 1, 30), d(2024, 2, 29))
    );
}

#[test]
fn the_current_value_reads_up_to_today() {
    let (f, t) = (d(2026, 9, 1), d(2026, 12, 9));
    assert_eq!(current_period(f, t, d(2026, 8, 31)), None, "not started");
    assert_eq!(current_period(f, t, d(2026, 9, 1)), Some((f, f)));
    assert_eq!(current_period(f, t, d(2026, 10, 15)), Some((f, d(2026, 10, 15))));
    assert_eq!(current_period(f, t, d(2027, 1, 1)), Some((f, t)), "ended");
    assert_eq!(elapsed((f, t), d(2026, 8, 1)), None);
    assert_eq!(elapsed((f, t), d(2026, 9, 3)), Some((f, d(2026, 9, 3))));
    assert_eq!(CampaignState::of(f, t, d(2026, 8, 31)), CampaignState::Upcoming);
    assert_eq!(CampaignState::of(f, t, t), CampaignState::Running);
    assert_eq!(CampaignState::of(f, t, d(2026, 12, 10)), CampaignState::Ended);
}

#[test]
fn a_task_is_overdue_when_not_done_after_its_due_date() {
    let due = d(2026, 10, 1);
    assert_eq!(
        TaskStatus::NotStarted.shown(due, due),
        TaskState::NotStarted,
        "due today"
    );
    assert_eq!(
        TaskStatus::InProgress.shown(due, d(2026, 10, 2)),
        TaskState::Overdue
    );
    assert_eq!(
        TaskStatus::NotStarted.shown(due, d(2026, 10, 2)),
        TaskState::Overdue
    );
    assert_eq!(TaskStatus::Done.shown(due, d(2027, 1, 1)), TaskState::Done);
    assert_eq!(TaskState::Overdue.label(), "逾期");
    assert_eq!(TaskStatus::parse("进行中"), Some(TaskStatus::InProgress));
    assert_eq!(TaskStatus::parse("done"), Some(TaskStatus::Done));
    assert_eq!(TaskStatus::parse("overdue"), None, "computed, never set");
}

#[test]
fn targets_are_met_in_the_metrics_direction() {
    use Metric::*;
    assert_eq!(AvgWaitMinutes.direction(), Direction::Lower);
    assert_eq!(Complaints.direction(), Direction::Lower);
    assert_eq!(InspectionDeductions.direction(), Direction::Lower);
    assert_eq!(SatisfactionRate.direction(), Direction::Higher);
    assert!(SatisfactionRate.met(0.99, 0.99) && !SatisfactionRate.met(0.9899, 0.99));
    assert!(AvgWaitMinutes.met(9.5, 10.0) && !AvgWaitMinutes.met(10.1, 10.0));
    let m = KpiMovement::of(AvgWaitMinutes, Some(15.0), Some(9.5), 10.0);
    assert_eq!(m.met, Some(true));
    assert_eq!(m.improved, Some(true));
    assert_eq!(m.change, Some(-5.5));
    let m = KpiMovement::of(SatisfactionRate, Some(0.98), None, 0.99);
    assert_eq!((m.met, m.improved, m.change), (None, None, None));
    let m = KpiMovement::of(Complaints, Some(2.0), Some(3.0), 1.0);
    assert_eq!((m.met, m.improved), (Some(false), Some(false)));
}

#[test]
fn values_print_in_their_unit() {
    assert_eq!(Metric::SatisfactionRate.show(Some(0.9897)), "98.97%");
    assert_eq!(Metric::AvgWaitMinutes.show(Some(12.26)), "12.3分钟");
    assert_eq!(Metric::Complaints.show(Some(3.0)), "3件");
    assert_eq!(Metric::OnTimeRate.show(None), "—");
    assert_eq!(wait_minutes(754.0), 12.6);
}
