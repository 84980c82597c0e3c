//! A real govhall server for a test: a throwaway database (SQLite file or
//! PostgreSQL database), the demo hall, a listener on 127.0.0.1:0.

use std::sync::Arc;
use store::Store;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub app: app::App,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pg_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

pub fn postgres_server() -> String {
    std::env::var("GOVHALL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, app::Settings::default().always_open()).await
    }

    pub async fn start_with(backend: Backend, settings: app::Settings) -> TestServer {
        TestServer::start_with_clock(backend, settings, Arc::new(app::SystemClock)).await
    }

    /// A server whose app reads the time from `clock` (a [`app::TestClock`] the test moves on).
    pub async fn start_with_clock(
        backend: Backend,
        settings: app::Settings,
        clock: Arc<dyn app::Clock>,
    ) -> TestServer {
        let (store, dir, pg_url): (Arc<dyn Store>, _, _) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("it.db").display());
                (
                    Arc::new(store_sqlite::SqliteStore::connect(&url).await.unwrap()),
                    Some(dir),
                    None,
                )
            }
            Backend::Postgres => {
                let url = format!(
                    "{}/govhall_it_{}",
                    postgres_server(),
                    uuid::Uuid::now_v7().simple()
                );
                (
                    Arc::new(store_postgres::PostgresStore::connect(&url).await.unwrap()),
                    None,
                    Some(url),
                )
            }
        };
        let app = app::App::with_clock(store, settings, clock);
        app.seed_demo().await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let state = web::AppState::new(app.clone(), None);
        let task = tokio::spawn(web::serve(listener, state, async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestServer {
            base,
            client,
            app,
            shutdown: Some(tx),
            task: Some(task),
            pg_url,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let resp = self.client.get(self.url(path)).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn login(&self, username: &str) -> String {
        let resp = self
            .client
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({"username": username, "password": app::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "login as {username}");
        let body: serde_json::Value = resp.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// A server always open whose app reads the time from `clock`, with the
    /// demo floor seeded (its windows, staff and categories) on top of the demo hall.
    pub async fn start_on_floor(backend: Backend, clock: &app::TestClock) -> TestServer {
        let s = TestServer::start_with_clock(
            backend,
            app::Settings::default().always_open(),
            Arc::new(clock.clone()),
        )
        .await;
        s.app.seed_demo_floor().await.unwrap();
        s
    }

    /// The database URL of this server (the SQLite file or the PostgreSQL database).
    pub fn database_url(&self) -> String {
        match (&self.pg_url, &self._dir) {
            (Some(url), _) => url.clone(),
            (None, Some(dir)) => format!("sqlite://{}", dir.path().join("it.db").display()),
            (None, None) => unreachable!("a server has a database"),
        }
    }

    /// The SQLite file and its WAL, to read raw bytes from (empty on PostgreSQL).
    pub fn sqlite_files(&self) -> Vec<std::path::PathBuf> {
        match (&self.pg_url, &self._dir) {
            (None, Some(dir)) => ["it.db", "it.db-wal"]
                .iter()
                .map(|f| dir.path().join(f))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The PostgreSQL database URL of this server, if it runs on PostgreSQL.
    pub fn pg_url(&self) -> Option<String> {
        self.pg_url.clone()
    }

    /// Stops the server and drops a PostgreSQL database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        if let Some(url) = self.pg_url.take() {
            drop(self.app);
            drop_database(&url).await;
        }
    }
}

/// Declares `$name` once per backend: `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server = TestServer::start(Backend::Sqlite).await;
                super::$name(&server).await;
                server.stop().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let server = TestServer::start(Backend::Postgres).await;
                super::$name(&server).await;
                server.stop().await;
            }
        }
    };
}

/// Declares `$name` once per backend, like [`on_both_backends!`], on a test
/// clock set to `$start` (an RFC 3339 instant) and a server started with
/// [`TestServer::start_on_floor`]: `$name(&server, &clock)`.
#[macro_export]
macro_rules! on_both_backends_clocked {
    ($name:ident, $start:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let clock = app::TestClock::new($start.parse().unwrap());
                let s = $crate::support::TestServer::start_on_floor($crate::support::Backend::Sqlite, &clock)
                    .await;
                super::$name(&s, &clock).await;
                s.stop().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let clock = app::TestClock::new($start.parse().unwrap());
                let s =
                    $crate::support::TestServer::start_on_floor($crate::support::Backend::Postgres, &clock)
                        .await;
                super::$name(&s, &clock).await;
                s.stop().await;
            }
        }
    };
}

/// Drops a throwaway PostgreSQL database. A relay's listener may reconnect
/// between the forced disconnect and the drop, so try a few times.
pub async fn drop_database(url: &str) {
    for attempt in 0..20 {
        match store_postgres::PostgresStore::drop_database(url).await {
            Ok(()) => return,
            Err(e) if attempt == 19 => panic!("could not drop {url}: {e}"),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
}

/// Signs in through the form; answers the session cookie.
pub async fn session(s: &TestServer, username: &str) -> String {
    let resp = s
        .client
        .post(s.url("/login"))
        .form(&[
            ("username", username),
            ("password", app::demo::DEMO_PASSWORD),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A page fetched with a session cookie: status and HTML.
pub async fn page(s: &TestServer, cookie: &str, path: &str) -> (u16, String) {
    let a = s.req("GET", path).cookie(cookie).send().await;
    (a.status, a.text)
}

/// The CSRF secret a page's form carries.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// One request to a test server, built up and sent:
/// `s.req("POST", "/api/cases").token(&t).json(body).send().await`.
pub struct Req<'a> {
    s: &'a TestServer,
    builder: reqwest::RequestBuilder,
}

/// What came back: status, headers and the body as bytes and as text (`json()` parses it).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
    pub text: String,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null)
    }

    /// Where a redirect points, if it is one.
    pub fn location(&self) -> Option<String> {
        self.headers
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
    }
}

impl TestServer {
    pub fn req(&self, method: &str, path: &str) -> Req<'_> {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        Req {
            s: self,
            builder: self.client.request(m, self.url(path)),
        }
    }

    /// `GET path` as `token` ("" for nobody): status and JSON.
    pub async fn get(&self, path: &str, token: impl Bearer) -> (u16, serde_json::Value) {
        self.req("GET", path).token(token).status_json().await
    }

    /// `POST path` with a JSON body as `token` ("" for nobody): status and JSON.
    pub async fn post(
        &self,
        path: &str,
        token: impl Bearer,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.req("POST", path)
            .token(token)
            .json(&body)
            .status_json()
            .await
    }

    /// `PUT path` with a JSON body as `token` ("" for nobody): status and JSON.
    pub async fn put(
        &self,
        path: &str,
        token: impl Bearer,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.req("PUT", path).token(token).json(&body).status_json().await
    }

    /// `POST path` with a raw body (a file to import) as `token` ("" for nobody).
    pub async fn upload(&self, path: &str, token: impl Bearer, body: impl Into<reqwest::Body>) -> Answer {
        self.req("POST", path).token(token).body(body).await
    }

    /// A form posted with a session cookie and no Origin header.
    pub async fn submit(&self, cookie: &str, path: &str, form: &[(&str, &str)]) -> Answer {
        self.req("POST", path)
            .header("cookie", cookie)
            .plain_form(form)
            .await
    }

    /// A JSON API call (with a body, when there is one): status and JSON.
    pub async fn call(
        &self,
        method: &str,
        token: impl Bearer,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let req = self.req(method, path).token(token);
        match body {
            Some(b) => req.json(&b).status_json().await,
            None => req.status_json().await,
        }
    }
}

/// Who a request is from: a bearer token, or nobody (`None`, "").
pub trait Bearer {
    fn bearer(&self) -> Option<&str>;
}

impl Bearer for &str {
    fn bearer(&self) -> Option<&str> {
        Some(*self).filter(|t| !t.is_empty())
    }
}

impl Bearer for &String {
    fn bearer(&self) -> Option<&str> {
        Some(self.as_str()).filter(|t| !t.is_empty())
    }
}

impl Bearer for Option<&str> {
    fn bearer(&self) -> Option<&str> {
        self.filter(|t| !t.is_empty())
    }
}

impl Req<'_> {
    /// A bearer token, when there is one.
    pub fn token(mut self, token: impl Bearer) -> Self {
        if let Some(t) = token.bearer() {
            self.builder = self.builder.bearer_auth(t);
        }
        self
    }

    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.builder = self.builder.header(name, value.as_ref());
        self
    }

    pub fn body(mut self, body: impl Into<reqwest::Body>) -> Self {
        self.builder = self.builder.body(body);
        self
    }

    /// A session cookie, when there is one (empty means none).
    pub fn cookie<'c>(mut self, cookie: impl Into<Option<&'c str>>) -> Self {
        if let Some(c) = cookie.into().filter(|c| !c.is_empty()) {
            self.builder = self.builder.header("cookie", c);
        }
        self
    }

    pub fn json(mut self, body: &(impl serde::Serialize + ?Sized)) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    /// A form post from this site's own pages (same Origin).
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        self.builder = self.builder.header("origin", self.s.base.clone()).form(fields);
        self
    }

    /// The response itself, unread (a stream).
    pub async fn response(self) -> reqwest::Response {
        self.builder.send().await.unwrap()
    }

    pub async fn send(self) -> Answer {
        let resp = self.builder.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// A form post without this site's Origin.
    pub fn plain_form(mut self, fields: &[(&str, &str)]) -> Self {
        self.builder = self.builder.form(fields);
        self
    }

    /// Status and JSON body, the shape most API tests compare.
    pub async fn status_json(self) -> (u16, serde_json::Value) {
        let a = self.send().await;
        (a.status, a.json())
    }
}

/// `s.req(..).await` sends the request, as `send()` does.
impl<'a> std::future::IntoFuture for Req<'a> {
    type Output = Answer;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The error's field of a refusal.
pub fn field(v: &serde_json::Value) -> Option<&str> {
    v["error"]["field"].as_str()
}

/// The error's code of a refusal.
pub fn code(v: &serde_json::Value) -> Option<&str> {
    v["error"]["code"].as_str()
}

/// The string `key` of every object in the array `list`.
pub fn strs<'v>(list: &'v serde_json::Value, key: &str) -> Vec<&'v str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap())
        .collect()
}

// The hall the report tests (dashboard, charts, reports, campaigns, ledger)
// build on: category A at window 3, visitors served and rated, cases accepted.

/// Category A (企业开办, item SCJG-XK-001 of the 市场监督管理局) served at
/// 3号窗口 by the demo staff member "staff", set up by `admin`; the window
/// itself is not opened.
pub async fn category_a_at_window_3(s: &TestServer, admin: &str) {
    let (st, v) = s
        .post(
            "/api/categories",
            admin,
            serde_json::json!({"prefix": "A", "name": "企业开办", "items": ["SCJG-XK-001"]}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = s
        .post(
            "/api/windows",
            admin,
            serde_json::json!({"number": "3", "name": "3号窗口", "categories": ["A"], "staff": ["staff"]}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}

/// A visitor takes a ticket of category A; answers its id.
pub async fn take_ticket(s: &TestServer) -> String {
    let (st, t) = s
        .post("/api/tickets", "", serde_json::json!({"category": "A"}))
        .await;
    assert_eq!(st, 201, "{t}");
    t["id"].as_str().unwrap().to_owned()
}

/// The visitor of `ticket` rates it online at `level` with the 差评 `reasons`.
pub async fn rate(s: &TestServer, ticket: &str, level: &str, reasons: &[&str]) {
    let (st, v) = s
        .post(
            "/api/evaluations",
            "",
            serde_json::json!({"ticket_id": ticket, "channel": "online", "level": level, "reasons": reasons, "comment": ""}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
}

/// One visit: a ticket of category A taken, called at window 3 by `staff`,
/// finished and rated online at `level` with `reasons`.
pub async fn served_and_rated(s: &TestServer, staff: &str, level: &str, reasons: &[&str]) {
    let id = take_ticket(s).await;
    let (st, v) = s.call("POST", staff, "/api/windows/3/call", None).await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = s
        .call("POST", staff, &format!("/api/tickets/{id}/finish"), None)
        .await;
    assert_eq!(st, 200);
    rate(s, &id, level, reasons).await;
}

/// Accepts a case of `item` as `token` for 张三, with every material the
/// catalog lists provided; answers the case (status `accepted`).
pub async fn accept_case(s: &TestServer, token: &str, item: &str) -> serde_json::Value {
    let (st, it) = s.get(&format!("/api/items/{item}"), token).await;
    assert_eq!(st, 200, "{it}");
    let materials: Vec<serde_json::Value> = it["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let name = m.as_str().or_else(|| m["name"].as_str()).unwrap();
            serde_json::json!({"name": name, "status": "provided"})
        })
        .collect();
    let payload = serde_json::json!({"item": item, "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13912345678"}, "materials": materials});
    let (st, v) = s.post("/api/cases", token, payload).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["status"], "accepted", "{v}");
    v
}

/// Imports a CSV file (`POST path` as text/csv) as `admin`; asserts 201.
pub async fn import_csv(s: &TestServer, admin: &str, path: &str, csv: impl Into<String>) {
    let a = s
        .req("POST", path)
        .token(admin)
        .header("content-type", "text/csv")
        .body(csv.into())
        .await;
    assert_eq!(a.status, 201, "{path}: {}", a.text);
}

/// A downloaded workbook: asserts 200 and the XLSX content type, and opens it.
pub fn workbook(a: Answer) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    assert_eq!(a.status, 200, "{}", a.text);
    let kind = a.headers["content-type"].to_str().unwrap();
    assert!(kind.contains("spreadsheetml"), "{kind}");
    calamine::open_workbook_from_rs(std::io::Cursor::new(a.bytes)).unwrap()
}
