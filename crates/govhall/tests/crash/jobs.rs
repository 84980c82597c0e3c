//! The background jobs of `govhall serve` across kills. While the server is
//! down the harness leaves work for each job in the database (as if the
//! hall had gone on: finished tickets with a phone for the SMS outbox, an
//! overdue rectification for escalation, missed appointments for the
//! no-show sweep); every start runs the jobs again. At the end each piece
//! of work must have been done exactly once.

use super::ledger::Findings;
use app::crypto::DataCipher;
use domain::appointment::AppointmentStatus;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::collections::HashMap;
use store::Store;
use store::evaluation::{NewEvaluation, NewRectification};
use store::queue::{Appointment, NewAppointment, NewTicket, TicketStatus};
use uuid::Uuid;

/// Work left for the jobs.
#[derive(Default, Debug)]
pub struct Planted {
    /// Tickets finished ten minutes ago with a phone: one invitation each.
    pub invitations: Vec<Uuid>,
    /// Rectifications past their due date: one escalation each.
    pub overdue: Vec<Uuid>,
    /// Yesterday's booked appointments (code, person key): one no-show each.
    pub no_shows: Vec<(String, String)>,
}

/// What the jobs did, for the report.
#[derive(Default, Debug)]
pub struct JobFigures {
    pub invitations: (usize, usize),
    pub escalations: (usize, usize),
    pub no_shows: (usize, usize),
    /// Job runs whose audit record is missing (a kill between the job's commit and its audit write).
    pub unaudited: usize,
}

fn today(now: Timestamp) -> Date {
    now.to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
}

/// A ticket in category D that was taken and finished a while ago.
async fn finished_ticket(store: &dyn Store, phone_sealed: Option<String>) -> Uuid {
    let now = Timestamp::now();
    let taken = store
        .take_ticket(&NewTicket {
            id: Uuid::now_v7(),
            business_date: today(now),
            category: "D".into(),
            priority: None,
            person_keys: Vec::new(),
            max_live_per_person: 3,
            taken_at: now - SignedDuration::from_mins(20),
            passed_by: 0,
            transferred_from: None,
            appointment_at: None,
            phone_sealed,
            marks: Default::default(),
        })
        .await
        .unwrap();
    let at = now - SignedDuration::from_mins(10);
    store
        .transition_ticket(
            taken.ticket.id,
            &[TicketStatus::Waiting],
            TicketStatus::Finished,
            at,
        )
        .await
        .unwrap();
    taken.ticket.id
}

/// Leaves work for every job (the server must be down).
pub async fn plant(store: &dyn Store, planted: &mut Planted, data_key: &str) {
    let cipher = DataCipher::new(data_key).unwrap();
    for _ in 0..2 {
        let phone = cipher.seal(app::queue::TICKET_PHONE, "13800138000").unwrap();
        planted
            .invitations
            .push(finished_ticket(store, Some(phone)).await);
    }

    let now = Timestamp::now();
    let day = today(now);
    let ticket = finished_ticket(store, None).await;
    let rectification = Uuid::now_v7();
    let answers = store
        .record_evaluations(&[NewEvaluation {
            id: Uuid::now_v7(),
            event_key: Some(format!("ticket:{ticket}")),
            ticket_id: Some(ticket),
            case_id: None,
            channel: domain::evaluation::Channel::Phone,
            level: domain::evaluation::Level::VeryDissatisfied,
            reasons: vec!["服务态度差".into()],
            comment: String::new(),
            business_date: day,
            window: "5".into(),
            department: String::new(),
            staff: String::new(),
            item: "D 公安户政".into(),
            weight: 1,
            imported: false,
            device: "crash-test".into(),
            rater_key: String::new(),
            seconds_after_service: Some(60),
            rated_at: now,
            recorded_by: "crash-test".into(),
            rectification: Some(NewRectification {
                id: rectification,
                opened_on: day - 20.days(),
                due_date: day - 10.days(),
                assignee: "5号窗口负责人".into(),
            }),
        }])
        .await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    planted.overdue.push(rectification);

    for _ in 0..2 {
        let id = Uuid::now_v7();
        let code = format!("CR{}", &id.simple().to_string()[20..]).to_uppercase();
        let person_key = format!("crash-{id}");
        store
            .book_appointment(&NewAppointment {
                appointment: Appointment {
                    id,
                    code: code.clone(),
                    category: "D".into(),
                    slot_date: day - 1.day(),
                    slot_time: "09:00".into(),
                    phone_tail: "8000".into(),
                    channel: domain::appointment::AppointmentChannel::Online,
                    status: AppointmentStatus::Booked,
                    ticket_id: None,
                    item_code: None,
                    place: String::new(),
                },
                person_key: person_key.clone(),
                created_at: now - SignedDuration::from_hours(48),
                capacity: 1_000_000,
                max_per_person_per_day: 1,
                marks: Default::default(),
            })
            .await
            .unwrap();
        planted.no_shows.push((code, person_key));
    }
}

/// Whether every planted piece of work has been done.
pub async fn settled(store: &dyn Store, planted: &Planted) -> bool {
    let queued: Vec<Uuid> = store
        .sms_outbox(i64::MAX)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.kind == domain::evaluation::SmsKind::EvaluationInvitation)
        .filter_map(|m| m.ticket_id)
        .collect();
    if !planted.invitations.iter().all(|t| queued.contains(t)) {
        return false;
    }
    for id in &planted.overdue {
        if !store.rectification(*id).await.unwrap().0.escalated {
            return false;
        }
    }
    for (code, _) in &planted.no_shows {
        if store.appointment(code).await.unwrap().status != AppointmentStatus::NoShow {
            return false;
        }
    }
    true
}

/// Checks that every job did its work once, and nothing twice.
pub async fn check(store: &dyn Store, planted: &Planted) -> (JobFigures, Findings) {
    let mut f = Findings::default();
    let mut figures = JobFigures::default();

    // SMS outbox: one invitation per ticket.
    let mut per_ticket: HashMap<Uuid, usize> = HashMap::new();
    for m in store.sms_outbox(i64::MAX).await.unwrap() {
        if m.kind == domain::evaluation::SmsKind::EvaluationInvitation
            && let Some(ticket) = m.ticket_id
        {
            *per_ticket.entry(ticket).or_default() += 1;
        }
    }
    for (ticket, n) in &per_ticket {
        if *n > 1 {
            f.duplicates
                .push(format!("{n} SMS invitations for ticket {ticket}"));
        }
    }
    let sent = planted
        .invitations
        .iter()
        .filter(|t| per_ticket.contains_key(t))
        .count();
    if sent < planted.invitations.len() {
        f.other.push(format!(
            "{} invitations never queued",
            planted.invitations.len() - sent
        ));
    }
    figures.invitations = (planted.invitations.len(), per_ticket.values().sum());

    // Escalations: at most one per rectification, every overdue one escalated.
    let mut escalated = 0;
    for r in store.rectifications(None).await.unwrap() {
        let (r, steps) = store.rectification(r.id).await.unwrap();
        let n = steps.iter().filter(|s| s.step == "escalated").count();
        if n > 1 {
            f.duplicates
                .push(format!("rectification {} escalated {n} times", r.id));
        }
        if planted.overdue.contains(&r.id) && !(r.escalated && n == 1) {
            f.other
                .push(format!("overdue rectification {} not escalated", r.id));
        }
        escalated += n;
    }
    figures.escalations = (planted.overdue.len(), escalated);

    // No-shows: each missed appointment marked once.
    let mut marked = 0;
    for (code, person_key) in &planted.no_shows {
        let status = store.appointment(code).await.unwrap().status;
        let dates = store.no_show_dates(person_key).await.unwrap();
        if status != AppointmentStatus::NoShow {
            f.other
                .push(format!("appointment {code} still {}", status.code()));
        }
        if dates.len() > 1 {
            f.duplicates
                .push(format!("appointment {code} counted as {} no-shows", dates.len()));
        }
        marked += dates.len();
    }
    figures.no_shows = (planted.no_shows.len(), marked);

    // The jobs' audit records: never one piece of work twice.
    let (mut audited_escalations, mut audited_no_shows) = (HashMap::<String, usize>::new(), 0);
    for e in all_audit(store).await {
        match e.action.as_str() {
            "rectification.escalate" => {
                for id in e.detail.split(',').filter(|s| !s.is_empty()) {
                    *audited_escalations.entry(id.to_owned()).or_default() += 1;
                }
            }
            "appointment.no_show" => {
                let n: String = e.detail.chars().take_while(char::is_ascii_digit).collect();
                audited_no_shows += n.parse::<usize>().unwrap_or(0);
            }
            _ => {}
        }
    }
    for (id, n) in &audited_escalations {
        if *n > 1 {
            f.duplicates.push(format!("escalation of {id} audited {n} times"));
        }
    }
    if audited_no_shows > marked {
        f.duplicates
            .push(format!("{audited_no_shows} no-shows audited, {marked} marked"));
    }
    figures.unaudited =
        (escalated - audited_escalations.len().min(escalated)) + (marked - audited_no_shows.min(marked));
    (figures, f)
}

/// The job runner of the serving process counted each job's runs in /metrics.
pub async fn counted_in_metrics(http: &reqwest::Client, base: &str) -> Findings {
    let mut f = Findings::default();
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for job in app::jobs::standard_jobs() {
        let label = format!("job=\"{}\"", job.code);
        let counted = |metric: &str| text.lines().any(|l| l.starts_with(metric) && l.contains(&label));
        if !(counted("govhall_job_runs_total{") && counted("govhall_job_seconds")) {
            f.other.push(format!("job {} has no runs in /metrics", job.code));
        }
    }
    f
}

async fn all_audit(store: &dyn Store) -> Vec<store::AuditEntry> {
    let mut out = Vec::new();
    loop {
        let page = store.audit_entries(10_000, out.len() as i64).await.unwrap();
        let done = page.len() < 10_000;
        out.extend(page);
        if done {
            return out;
        }
    }
}
