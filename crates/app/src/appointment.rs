//! Appointments (预约): booking a slot online or by phone, cancelling, and
//! checking in at the kiosk, which turns the appointment into a ticket.

use crate::Hall;
use crate::queue::{TakeTicket, TicketView, person_key};
use crate::{Actor, AppError, AppResult};
use domain::appointment::{
    AppointmentChannel, AppointmentStatus, CheckIn, check_bookable, check_in, slots_of_day, suspended_until,
};
use domain::identity::{IdNumber, validate_mobile};
use domain::scalper::FactSource;
use jiff::civil::{Date, DateTime, Time};
use rand::Rng;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::queue::{Appointment, NewAppointment};
use uuid::Uuid;

/// What a citizen or a hotline operator enters.
#[derive(Debug, Clone, Default)]
pub struct BookRequest {
    /// The queue category; may be left empty when `item` is given.
    pub category: String,
    /// The service (事项编码) booked; its category follows from the hall's set-up.
    pub item: Option<String>,
    pub date: String,
    pub time: String,
    pub phone: String,
    pub id_number: Option<String>,
    /// An [`AppointmentChannel`] code; empty for online.
    pub channel: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub time: String,
    pub capacity: i64,
    pub booked: i64,
    pub available: i64,
}

fn booking_error(e: domain::appointment::BookingError) -> AppError {
    match e {
        domain::appointment::BookingError::Calendar(c) => AppError::Calendar(c),
        domain::appointment::BookingError::NoSuchSlot(_) => AppError::invalid("time", e.to_string()),
        other => AppError::invalid("date", other.to_string()),
    }
}

fn parse_date(raw: &str) -> AppResult<Date> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::invalid("date", format!("日期“{raw}”无效，应为YYYY-MM-DD")))
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这个预约号".into()),
        StoreError::Conflict { .. } => {
            AppError::Conflict(crate::Conflict::WrongStatus, "预约当前状态不能进行此操作".into())
        }
        other => other.into(),
    }
}

/// 预约 service: bookings live beside the tickets they turn into.
#[derive(Clone)]
pub struct AppointmentService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::queue::QueueStore>,
    pub(crate) sweep: Arc<dyn store::home_visit::AppointmentSweep>,
    pub(crate) queue: crate::queue::QueueService,
}

impl AppointmentService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::Store>,
        queue: crate::queue::QueueService,
    ) -> AppointmentService {
        AppointmentService {
            hall,
            store: store.clone(),
            sweep: store,
            queue,
        }
    }
}

impl AppointmentService {
    /// Free places per slot of a category and day.
    #[tracing::instrument(skip_all)]
    pub async fn slots(&self, category: &str, date: &str) -> AppResult<Vec<Slot>> {
        let date = parse_date(date)?;
        if !self
            .store
            .categories()
            .await?
            .iter()
            .any(|c| c.prefix == category)
        {
            return Err(AppError::invalid(
                "category",
                format!("业务类别“{category}”不存在"),
            ));
        }
        let rules = &self.settings.appointments.booking;
        if !self.calendar().await?.is_workday(date)? {
            return Ok(Vec::new());
        }
        let booked = self.store.slot_bookings(category, date).await?;
        let capacity = i64::from(rules.capacity);
        Ok(slots_of_day(rules)
            .map_err(booking_error)?
            .into_iter()
            .map(|t| {
                let time = t.strftime("%H:%M").to_string();
                let n = booked
                    .iter()
                    .find(|(s, _)| *s == time)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                Slot {
                    time,
                    capacity,
                    booked: n,
                    available: (capacity - n).max(0),
                }
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    /// 预约确认短信, once per appointment.
    async fn confirm_booking(&self, a: &Appointment, phone: &str) -> AppResult<()> {
        let cipher = crate::crypto::DataCipher::new(&self.settings.security.data_key)?;
        let sealed = cipher.seal(crate::queue::TICKET_PHONE, phone)?;
        let category = self
            .queue
            .cached_categories()
            .await?
            .iter()
            .find(|c| c.prefix == a.category)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let body = format!(
            "您已预约{} {} {}，预约号{}。办理地点：{}。请在预约时段前到大厅取号机输入预约号签到，优先叫号。",
            a.slot_date, a.slot_time, category, a.code, a.place
        );
        self.send_sms(
            domain::evaluation::SmsKind::AppointmentConfirmation,
            &a.id.simple().to_string(),
            None,
            &sealed,
            body,
        )
        .await?;
        Ok(())
    }

    /// The category an appointment goes to: the one given, or the one whose
    /// windows serve the chosen service (事项); and the item's code.
    async fn category_of(&self, req: &BookRequest) -> AppResult<(store::queue::Category, Option<String>)> {
        let categories = self.queue.cached_categories().await?;
        let item = req.item.as_deref().map(str::trim).filter(|i| !i.is_empty());
        let by_item = match item {
            None => None,
            Some(code) => {
                let item = self
                    .item(code)
                    .await
                    .map_err(|_| AppError::invalid("item", format!("事项“{code}”不存在或未发布")))?;
                let found = categories.iter().find(|c| c.items.contains(&item.code)).cloned();
                Some((item.code, found))
            }
        };
        let given = req.category.trim();
        match (by_item, given) {
            (Some((code, Some(c))), g) if g.is_empty() || g == c.prefix => Ok((c, Some(code))),
            (Some((code, Some(c))), g) => Err(AppError::invalid(
                "category",
                format!("事项{code}在“{} {}”办理，不是“{g}”", c.prefix, c.name),
            )),
            (Some((code, None)), "") => Err(AppError::invalid(
                "item",
                format!("事项{code}暂不能网上预约到具体窗口，请选择业务类别"),
            )),
            (by_item, g) => {
                let c = categories
                    .iter()
                    .find(|c| c.prefix == g)
                    .cloned()
                    .ok_or_else(|| AppError::invalid("category", format!("业务类别“{g}”不存在")))?;
                Ok((c, by_item.map(|(code, _)| code)))
            }
        }
    }

    /// 办理地点 of a category: its open windows and the hall's address.
    async fn place_of(&self, category: &str) -> AppResult<String> {
        let windows: Vec<String> = self
            .queue
            .cached_windows()
            .await?
            .iter()
            .filter(|w| w.categories.iter().any(|c| c == category))
            .map(|w| w.name.clone())
            .collect();
        Ok(if windows.is_empty() {
            self.settings.hall.address.clone()
        } else {
            format!("{}（{}）", windows.join("、"), self.settings.hall.address)
        })
    }

    pub async fn book(&self, req: &BookRequest) -> AppResult<Appointment> {
        let rules = &self.settings.appointments.booking;
        let (category, item_code) = self.category_of(req).await?;
        let place = self.place_of(&category.prefix).await?;
        let date = parse_date(&req.date)?;
        let time: Time = req
            .time
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("time", format!("时间“{}”无效，应为HH:MM", req.time)))?;
        let calendar = self.calendar().await?;
        check_bookable(rules, &calendar, self.today(), date, time).map_err(booking_error)?;
        if date == self.today() && time <= self.local_now().time() {
            return Err(AppError::invalid("time", "该时段已开始，请选择之后的时段"));
        }
        let phone = req.phone.trim();
        validate_mobile(phone).map_err(|e| AppError::invalid("phone", e.to_string()))?;
        // One person is one phone, or one ID number when given.
        let id_checked = match req.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => Some(
                IdNumber::parse(id, self.today())
                    .map_err(|e| AppError::invalid("id_number", format!("身份证号{e}")))?,
            ),
            None => None,
        };
        let key = match &id_checked {
            Some(id) => person_key(&self.settings.security.data_key, "id", id.as_str())?,
            None => person_key(&self.settings.security.data_key, "phone", phone)?,
        };
        // 黄牛 (issue 15 part 5): the marks detection groups by.
        let marks = crate::scalper::marks_of(&self.hall, Some(phone), id_checked.as_ref())?;
        let no_shows = self.store.no_show_dates(&key).await?;
        if let Some(until) = suspended_until(rules, &no_shows, self.today()) {
            return Err(AppError::Conflict(
                crate::Conflict::BookingSuspended,
                format!(
                    "近{}天内爽约{}次以上，{until}前暂停网上和电话预约，请现场取号",
                    rules.no_show_window_days, rules.no_show_limit
                ),
            ));
        }
        let channel = if req.channel.is_empty() {
            AppointmentChannel::Online
        } else {
            AppointmentChannel::parse(&req.channel).ok_or_else(|| {
                AppError::invalid(
                    "channel",
                    format!("预约渠道“{}”应为 online 或 phone", req.channel),
                )
            })?
        };
        for _ in 0..5 {
            let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
            let booked = self
                .store
                .book_appointment(&NewAppointment {
                    appointment: Appointment {
                        id: Uuid::now_v7(),
                        code,
                        category: category.prefix.clone(),
                        slot_date: date,
                        slot_time: time.strftime("%H:%M").to_string(),
                        phone_tail: phone[phone.len().saturating_sub(4)..].to_owned(),
                        channel,
                        status: AppointmentStatus::Booked,
                        ticket_id: None,
                        item_code: item_code.clone(),
                        place: place.clone(),
                    },
                    person_key: key.clone(),
                    created_at: self.now(),
                    capacity: i64::from(rules.capacity),
                    max_per_person_per_day: i64::from(rules.max_per_person_per_day),
                    marks: marks.clone(),
                })
                .await;
            match booked {
                Ok(a) => {
                    // 黄牛 (issue 15 part 5): a registered person alerts the floor.
                    let slot = format!("{} {}", a.slot_date, a.slot_time);
                    self.scalper_seen(FactSource::Appointment, a.id, &slot, a.slot_date, &marks)
                        .await;
                    self.confirm_booking(&a, phone).await?;
                    return Ok(a);
                }
                Err(StoreError::Conflict { what }) if what == "slot_full" => {
                    return Err(AppError::Conflict(
                        crate::Conflict::SlotFull,
                        "该时段已约满，请选择其他时段".into(),
                    ));
                }
                Err(StoreError::Conflict { what }) if what == "person_limit" => {
                    // 黄牛 (issue 15 part 5): a refused attempt counts.
                    self.scalper_refused(FactSource::Appointment, &category.prefix, date, &marks)
                        .await;
                    return Err(AppError::Conflict(
                        crate::Conflict::PersonLimit,
                        format!("同一人每天最多预约{}次", rules.max_per_person_per_day),
                    ));
                }
                // Another booking drew the same code: draw again.
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict(
            crate::Conflict::Busy,
            "预约繁忙，请稍后再试".into(),
        ))
    }

    /// The appointment a code and the last four digits of its phone prove.
    /// A wrong pair looks like an unknown code, and wrong guesses are limited
    /// per code and per address (security throttle, always on).
    async fn proven_appointment(
        &self,
        code: &str,
        phone_last4: &str,
        client: &str,
    ) -> AppResult<Appointment> {
        let code = code.trim();
        if code.is_empty() {
            return Err(AppError::invalid("code", "请填写预约号"));
        }
        let tail = phone_last4.trim();
        if tail.len() != 4 || !tail.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::invalid("phone_last4", "请填写预约手机号的后四位数字"));
        }
        let guards = self.lookup_guards("lookup.appointment", Some(code), client);
        self.check_guards(&guards).await?;
        let unknown = || AppError::NotFound("没有查到该预约，请核对预约号和手机号后四位".into());
        let found = match self.store.appointment(code).await {
            Ok(a) if a.phone_tail == tail => Ok(a),
            Ok(_) | Err(StoreError::NotFound(_)) => Err(unknown()),
            Err(e) => Err(e.into()),
        };
        if found.is_err() {
            self.record_guards(&guards).await?;
        }
        found
    }

    /// Cancels by code, with the last four digits of the phone as proof.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_appointment(
        &self,
        code: &str,
        phone_last4: &str,
        client: &str,
    ) -> AppResult<Appointment> {
        let a = self.proven_appointment(code, phone_last4, client).await?;
        let code = a.code.as_str();
        self.store
            .set_appointment_status(
                code,
                &[AppointmentStatus::Booked],
                AppointmentStatus::Cancelled,
                None,
            )
            .await
            .map_err(not_found)
    }

    /// Checks in at the kiosk: within the window the appointment becomes a
    /// ticket; too late counts as a missed appointment.
    #[tracing::instrument(skip_all)]
    pub async fn check_in_appointment(&self, code: &str) -> AppResult<TicketView> {
        let a = self.store.appointment(code).await.map_err(not_found)?;
        if !a.status.is_booked() {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                "该预约已签到、已取消或已失效".into(),
            ));
        }
        let slot_time: Time = a.slot_time.parse().map_err(AppError::internal)?;
        let now = self.now().to_zoned(self.settings.time_zone()).datetime();
        match check_in(
            &self.settings.appointments.booking,
            a.slot_date.to_datetime(slot_time),
            now,
        ) {
            CheckIn::TooEarly => Err(AppError::Conflict(
                crate::Conflict::TooEarly,
                format!(
                    "预约时间为{} {}，请在开始前{}分钟内签到",
                    a.slot_date, a.slot_time, self.settings.appointments.booking.early_minutes
                ),
            )),
            CheckIn::TooLate => {
                self.store
                    .set_appointment_status(
                        code,
                        &[AppointmentStatus::Booked],
                        AppointmentStatus::NoShow,
                        None,
                    )
                    .await
                    .map_err(not_found)?;
                Err(AppError::Conflict(
                    crate::Conflict::TooLate,
                    "已超过预约时间，预约失效，请现场取号".into(),
                ))
            }
            CheckIn::OnTime => {
                let slot_at = a
                    .slot_date
                    .to_datetime(slot_time)
                    .to_zoned(self.settings.time_zone())
                    .map_err(AppError::internal)?
                    .timestamp();
                let view = self
                    .queue
                    .take_ticket(&TakeTicket {
                        category: a.category.clone(),
                        appointment_at: Some(slot_at),
                        ..Default::default()
                    })
                    .await?;
                self.store
                    .set_appointment_status(
                        code,
                        &[AppointmentStatus::Booked],
                        AppointmentStatus::CheckedIn,
                        Some(view.ticket.id),
                    )
                    .await
                    .map_err(not_found)?;
                Ok(view)
            }
        }
    }

    /// The hall's wall-clock time now.
    fn local_now(&self) -> DateTime {
        self.now().to_zoned(self.settings.time_zone()).datetime()
    }

    /// The working days a citizen may book now: today (while slots remain)
    /// and the working days within `days_ahead`. Stops at the end of the
    /// calendar the hall has loaded.
    #[tracing::instrument(skip_all)]
    pub async fn booking_days(&self) -> AppResult<Vec<Date>> {
        let calendar = self.calendar().await?;
        let today = self.today();
        let last_slot = slots_of_day(&self.settings.appointments.booking)
            .map_err(booking_error)?
            .into_iter()
            .max();
        let mut days = Vec::new();
        for ahead in 0..=i64::from(self.settings.appointments.booking.days_ahead) {
            let Ok(day) = today.checked_add(jiff::Span::new().days(ahead)) else {
                break;
            };
            match calendar.is_workday(day) {
                Ok(true) if day == today => {
                    if last_slot.is_some_and(|t| t > self.local_now().time()) {
                        days.push(day);
                    }
                }
                Ok(true) => days.push(day),
                Ok(false) => {}
                Err(_) => break,
            }
        }
        Ok(days)
    }

    /// [`App::slots`] for the booking page: today's slots that have already
    /// begun are left out.
    #[tracing::instrument(skip_all)]
    pub async fn open_slots(&self, category: &str, date: &str) -> AppResult<Vec<Slot>> {
        let slots = self.slots(category, date).await?;
        if parse_date(date)? != self.today() {
            return Ok(slots);
        }
        let now = self.local_now().time().strftime("%H:%M").to_string();
        Ok(slots.into_iter().filter(|s| s.time > now).collect())
    }

    /// An appointment shown to its holder: the code and the last four digits
    /// of the phone together prove it is theirs.
    #[tracing::instrument(skip_all)]
    pub async fn my_appointment(
        &self,
        code: &str,
        phone_last4: &str,
        client: &str,
    ) -> AppResult<Appointment> {
        self.proven_appointment(code, phone_last4, client).await
    }

    /// Marks appointments whose check-in window has closed (slot start plus
    /// `late_minutes`, hall time) as missed, which counts towards the no-show
    /// suspension. Audit-logged when it marks anything.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_no_shows(&self) -> AppResult<u64> {
        let late =
            jiff::SignedDuration::from_mins(i64::from(self.settings.appointments.booking.late_minutes));
        // A slot is missed once its start lies before now − late (to the minute).
        let limit = self.local_now().checked_sub(late).map_err(AppError::internal)?;
        let before_time = limit.time().strftime("%H:%M").to_string();
        let marked = self.sweep.mark_no_shows(limit.date(), &before_time).await?;
        if marked > 0 {
            let actor = Actor {
                username: "系统（爽约清理）".into(),
                role: None,
            };
            self.audit(
                &actor,
                "appointment.no_show",
                &format!("{} {before_time}前", limit.date()),
                &format!("{marked}个预约超过签到时限未签到，记为爽约"),
            )
            .await?;
        }
        Ok(marked)
    }
}
