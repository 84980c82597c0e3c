//! The training part of the conformance suite (issue 16): 三亮 photos in
//! their own table, courses and attendance (once per person), exams with
//! their questions in order, attempts numbered once per person, the results
//! and attendance the assessment reads by business date, and retraining.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::conformance_case::at;
use crate::pad::{StaffPhoto, StaffProfile};
use crate::training::*;
use crate::{Store, StoreError};
use domain::training::{Question, QuestionKind};
use jiff::civil::date;
use uuid::Uuid;

pub async fn run_all(store: &dyn Store) {
    staff_photos(store).await;
    courses(store).await;
    exams(store).await;
}

async fn staff_photos(store: &dyn Store) {
    let mut profile = StaffProfile {
        username: "train-zhou".into(),
        staff_number: "T001".into(),
        post: "综合受理岗".into(),
        duties: "企业开办".into(),
        commitment: "一次告知、限时办结".into(),
        photo: "data:image/png;base64,iVBORw0KGgo=".into(),
        has_photo: false,
        updated_at: at(100),
    };
    store.save_staff_profile(&profile).await.unwrap();
    assert_eq!(
        store.staff_profile("train-zhou").await.unwrap(),
        Some(profile.clone())
    );
    assert_eq!(store.staff_photo("train-zhou").await.unwrap(), None);
    let photo = StaffPhoto {
        username: "train-zhou".into(),
        content_type: "image/webp".into(),
        body: b"RIFF\0\0\0\0WEBPVP8 ".to_vec(),
        uploaded_by: "admin".into(),
        uploaded_at: at(101),
    };
    store.set_staff_photo("train-zhou", Some(&photo)).await.unwrap();
    assert_eq!(
        store.staff_photo("train-zhou").await.unwrap(),
        Some(photo.clone())
    );
    // The old data URL is cleared and the profile knows it has a photo.
    profile.photo = String::new();
    profile.has_photo = true;
    assert_eq!(
        store.staff_profile("train-zhou").await.unwrap(),
        Some(profile.clone())
    );
    // Replacing, then removing.
    let jpeg = StaffPhoto {
        content_type: "image/jpeg".into(),
        body: vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        ..photo
    };
    store.set_staff_photo("train-zhou", Some(&jpeg)).await.unwrap();
    assert_eq!(store.staff_photo("train-zhou").await.unwrap(), Some(jpeg));
    store.set_staff_photo("train-zhou", None).await.unwrap();
    assert_eq!(store.staff_photo("train-zhou").await.unwrap(), None);
    profile.has_photo = false;
    assert_eq!(store.staff_profile("train-zhou").await.unwrap(), Some(profile));
}

fn course(day: jiff::civil::Date, title: &str, department: Option<&str>) -> Course {
    Course {
        id: Uuid::now_v7(),
        title: title.into(),
        date: day,
        minutes: 90,
        department: department.map(Into::into),
        trainer: "陈主任".into(),
        created_by: "admin".into(),
        created_at: at(200),
    }
}

async fn courses(store: &dyn Store) {
    let a = course(date(2018, 3, 5), "文明礼仪", None);
    let b = course(date(2018, 3, 31), "一次性告知", Some("SCJG"));
    let c = course(date(2018, 4, 1), "消防安全", None);
    for x in [&a, &b, &c] {
        store.add_course(x).await.unwrap();
    }
    assert_eq!(store.course(b.id).await.unwrap(), b);
    assert!(matches!(
        store.course(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.courses(date(2018, 3, 1), date(2018, 3, 31)).await.unwrap(),
        vec![b.clone(), a.clone()]
    );
    let who = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        store
            .record_attendance(a.id, a.date, &who(&["wang", "li"]), "admin", at(201))
            .await
            .unwrap(),
        2
    );
    // Recording someone twice adds nothing.
    assert_eq!(
        store
            .record_attendance(a.id, a.date, &who(&["li", "zhao"]), "admin", at(202))
            .await
            .unwrap(),
        1
    );
    store
        .record_attendance(b.id, b.date, &who(&["wang"]), "admin", at(203))
        .await
        .unwrap();
    store
        .record_attendance(c.id, c.date, &who(&["wang"]), "admin", at(204))
        .await
        .unwrap();
    let of_a = store.attendance_of(a.id).await.unwrap();
    assert_eq!(
        of_a.iter().map(|x| x.username.as_str()).collect::<Vec<_>>(),
        ["li", "wang", "zhao"]
    );
    assert!(of_a.iter().all(|x| x.course_id == a.id && x.date == a.date));
    // The assessment's view: March only, by date.
    let march = store
        .course_attendance(date(2018, 3, 1), date(2018, 3, 31))
        .await
        .unwrap();
    assert_eq!(
        march
            .iter()
            .map(|x| (x.date, x.username.as_str()))
            .collect::<Vec<_>>(),
        [
            (a.date, "li"),
            (a.date, "wang"),
            (a.date, "zhao"),
            (b.date, "wang")
        ]
    );
    // Attendance of a course that does not exist is refused.
    assert!(matches!(
        store
            .record_attendance(Uuid::now_v7(), a.date, &who(&["wang"]), "admin", at(205))
            .await,
        Err(StoreError::Conflict { .. })
    ));
}

fn question(exam: Uuid, position: i64, kind: QuestionKind, answers: &[u32]) -> ExamQuestion {
    ExamQuestion {
        id: Uuid::now_v7(),
        exam_id: exam,
        position,
        question: Question::new(
            kind,
            &format!("第{position}题"),
            &["甲".to_string(), "乙".into(), "丙".into()],
            answers,
            2,
        )
        .unwrap(),
    }
}

fn attempt(exam: Uuid, username: &str, no: i64, score: i64, day: jiff::civil::Date) -> ExamAttempt {
    ExamAttempt {
        id: Uuid::now_v7(),
        exam_id: exam,
        username: username.into(),
        attempt_no: no,
        answers: vec![vec![0], vec![1, 2]],
        earned: score / 25,
        total: 4,
        score,
        passed: score >= 60,
        taken_on: day,
        at: at(300 + no),
    }
}

async fn exams(store: &dyn Store) {
    let exam = Exam {
        id: Uuid::now_v7(),
        title: "服务规范考试".into(),
        department: Some("SCJG".into()),
        opens_on: date(2018, 5, 1),
        closes_on: date(2018, 5, 31),
        pass_mark: 60,
        max_attempts: 2,
        created_by: "admin".into(),
        created_at: at(300),
    };
    store.add_exam(&exam).await.unwrap();
    assert_eq!(store.exam(exam.id).await.unwrap(), exam);
    assert!(matches!(
        store.exam(Uuid::now_v7()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.exams().await.unwrap().contains(&exam));
    assert!(store.open_exams(date(2018, 5, 1)).await.unwrap().contains(&exam));
    assert!(store.open_exams(date(2018, 5, 31)).await.unwrap().contains(&exam));
    assert!(!store.open_exams(date(2018, 6, 1)).await.unwrap().contains(&exam));
    assert!(!store.open_exams(date(2018, 4, 30)).await.unwrap().contains(&exam));

    let q1 = question(exam.id, 1, QuestionKind::Multiple, &[1, 2]);
    let q0 = question(exam.id, 0, QuestionKind::Single, &[0]);
    store.add_question(&q1).await.unwrap();
    store.add_question(&q0).await.unwrap();
    assert_eq!(store.exam_questions(exam.id).await.unwrap(), vec![q0.clone(), q1]);
    // A position is taken once.
    assert!(matches!(
        store
            .add_question(&question(exam.id, 0, QuestionKind::Single, &[1]))
            .await,
        Err(StoreError::Conflict { .. })
    ));

    let first = attempt(exam.id, "wang", 1, 50, date(2018, 5, 2));
    let second = attempt(exam.id, "wang", 2, 75, date(2018, 6, 1));
    let li = attempt(exam.id, "li", 1, 25, date(2018, 5, 3));
    for a in [&first, &second, &li] {
        store.add_attempt(a).await.unwrap();
    }
    // Two submissions with the same number: the second is refused.
    assert!(matches!(
        store
            .add_attempt(&attempt(exam.id, "wang", 2, 100, date(2018, 6, 1)))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.attempts(exam.id, None).await.unwrap(),
        vec![li.clone(), first.clone(), second.clone()]
    );
    assert_eq!(
        store.attempts(exam.id, Some("wang")).await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    // The assessment's view: May's attempts, oldest first.
    let may = store
        .exam_results(date(2018, 5, 1), date(2018, 5, 31))
        .await
        .unwrap();
    assert_eq!(
        may,
        vec![
            ExamResult {
                id: first.id,
                exam_id: exam.id,
                username: "wang".into(),
                passed: false,
                score: 50,
                at: first.at,
            },
            ExamResult {
                id: li.id,
                exam_id: exam.id,
                username: "li".into(),
                passed: false,
                score: 25,
                at: li.at,
            },
        ]
    );
    let june = store
        .exam_results(date(2018, 6, 1), date(2018, 6, 30))
        .await
        .unwrap();
    assert_eq!(june.len(), 1);
    assert!(june[0].passed && june[0].id == second.id);

    let r = Retraining {
        id: Uuid::now_v7(),
        exam_id: exam.id,
        username: "li".into(),
        date: date(2018, 5, 20),
        note: "补训：服务规范".into(),
        recorded_by: "admin".into(),
        recorded_at: at(400),
    };
    store.add_retraining(&r).await.unwrap();
    assert_eq!(store.retrainings(exam.id, None).await.unwrap(), vec![r.clone()]);
    assert_eq!(store.retrainings(exam.id, Some("li")).await.unwrap(), vec![r]);
    assert!(store.retrainings(exam.id, Some("wang")).await.unwrap().is_empty());
}
