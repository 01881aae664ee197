//! `leakguard simulate`: a scripted day through the real server.
//!
//! It starts the fake LINE platform and the real server on loopback (with
//! a SQLite store in a temporary directory), posts signed webhooks the way
//! LINE does, and prints what each group, the 1:1 chat and the officer
//! saw. No account, no network.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::CliError;
use crate::app::{self, Options, Server};
use crate::clock::Clock;
use crate::config::{Config, GroupConfig, Secrets};
use crate::line::fake::{webhook, Delivery, FakeLine, Via};
use crate::line::signature;
use crate::secret::MasterKey;
use crate::workers::outbox;

const HEALTH_GROUP: &str = "C5f0e1d2c3b4a59687766554433221100";
const INSPECTION_GROUP: &str = "C0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const OFFICE_GROUP: &str = "C7b6a5f4e3d2c1b0a99887766554433aa";
const OFFICER: &str = "U00000000000000000000000000000001";
const CHEN: &str = "U1c9e0a77b3d54f2e8a6b1c0d9e8f7a61";
const LIN: &str = "U2d8f1b66c4e65a3f9b7c2d1e0f9a8b72";
const HUANG: &str = "U3e7a2c55d5f76b4a0c8d3e2f1a0b9c83";

/// An inspection list as a spreadsheet, and a phone photo of a printed
/// inspection notice: the test fixtures (every name in them invented).
const INSPECTION_SHEET: &[u8] =
    include_bytes!("../../tests/fixtures/attachments/inspection-list.xlsx");
const INSPECTION_PHOTO: &[u8] =
    include_bytes!("../../tests/fixtures/attachments/images/inspection-notice-photo.jpg");

/// One step of the script.
enum Step {
    Say {
        chat: &'static str,
        user: &'static str,
        text: &'static str,
    },
    File {
        chat: &'static str,
        user: &'static str,
        name: &'static str,
        content: Option<&'static [u8]>,
    },
    Photo {
        chat: &'static str,
        user: &'static str,
        content: &'static [u8],
    },
    Redeliver,
    Unsend {
        chat: &'static str,
        user: &'static str,
    },
    Tap {
        user: &'static str,
        label: &'static str,
    },
    Note(&'static str),
}

fn script() -> Vec<Step> {
    use Step::*;
    vec![
        Note("08:50 防疫工作群組：一般聯繫"),
        Say { chat: HEALTH_GROUP, user: LIN, text: "大家早安，今天下午三點在三樓會議室開週會，請記得帶簽到表。" },
        Say { chat: HEALTH_GROUP, user: CHEN, text: "收到，謝謝提醒！" },
        Note("09:15 有人把確診者足跡貼進群組"),
        Say {
            chat: HEALTH_GROUP,
            user: CHEN,
            text: "最新確診個案：王小明，45歲男性，住大同區民生西路100號5樓，昨晚去過圓環夜市，明天清消。",
        },
        Note("LINE 重送同一事件（redelivery），不會重複警示"),
        Redeliver,
        Note("發送者收回訊息"),
        Unsend { chat: HEALTH_GROUP, user: CHEN },
        Note("10:30 稽查小組：本群組可討論稽查業務"),
        Say { chat: INSPECTION_GROUP, user: HUANG, text: "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃、好味道便當。" },
        Say { chat: INSPECTION_GROUP, user: LIN, text: "好的，我負責拍照記錄。" },
        Note("10:40 稽查小組組長私訊小幫手，把稽查對象登錄為保密事項（只存雜湊值）"),
        Say { chat: HUANG, user: HUANG, text: "/watch 好味道便當 群組 稽查小組" },
        Say { chat: LIN, user: LIN, text: "/watch 阿美小吃" },
        Note("11:00 稽查行程被轉到防疫工作群組"),
        Say { chat: HEALTH_GROUP, user: LIN, text: "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃、好味道便當。" },
        Tap { user: LIN, label: "我知道了" },
        Note("11:10 同一則行程再被轉傳到秘書室業務群組，只剩後半段：仍認得出是同一則"),
        Say { chat: OFFICE_GROUP, user: HUANG, text: "轉傳：大同區三家餐廳：老王牛肉麵、阿美小吃、好味道便當。" },
        Note("11:20 有人在別的群組提到登錄的稽查對象（字面上看不出是稽查）"),
        Say { chat: OFFICE_GROUP, user: CHEN, text: "好味道便當的老闆是我表哥，我晚點打給他聊聊" },
        Note("14:20 有人提到檢舉人"),
        Say {
            chat: HEALTH_GROUP,
            user: CHEN,
            text: "跟大家說，檢舉那家工廠排廢水的是隔壁的李大華，電話0912345678，別說是我講的。",
        },
        Tap { user: CHEN, label: "這是誤判" },
        Note("14:40 秘書室業務群組：採購、考績、公文、系統查詢、監視器"),
        Say {
            chat: OFFICE_GROUP,
            user: HUANG,
            text: "監視器汰換案底價核定380萬，你們報375上下應該穩，開標前先別外傳喔",
        },
        Say {
            chat: OFFICE_GROUP,
            user: CHEN,
            text: "考績會剛開完，會計室小周被打乙等，票數4比3，還沒核定先別講",
        },
        Say {
            chat: OFFICE_GROUP,
            user: LIN,
            text: "【密】本府組織調整方案第2頁：秘書處與研考會明年合併，我先拍給你們看",
        },
        Say {
            chat: OFFICE_GROUP,
            user: HUANG,
            text: "幫你用車籍系統查了，車號ABC-1235的車主是林志明，住中山區長安東路二段50號",
        },
        Say {
            chat: OFFICE_GROUP,
            user: CHEN,
            text: "大廳監視器拍到偷腳踏車的就是三樓的阿傑，畫面截圖傳給你們看",
        },
        Note("14:55 群組收到假冒人事總處的訊息"),
        Say {
            chat: OFFICE_GROUP,
            user: LIN,
            text: "【人事行政總處】115年度年終工作獎金線上確認，請於今日至 https://dgpa-gov-tw.com/bonus 以公務帳號密碼登入填寫",
        },
        Note("15:05 附件檔名也會檢查"),
        File { chat: HEALTH_GROUP, user: LIN, name: "1205突擊檢查名單_中山區KTV.xlsx", content: None },
        Note("15:20 附件內容也會讀取：轉傳一份試算表，和一張翻拍的稽查通知"),
        File { chat: OFFICE_GROUP, user: HUANG, name: "下週行程.xlsx", content: Some(INSPECTION_SHEET) },
        Photo { chat: OFFICE_GROUP, user: CHEN, content: INSPECTION_PHOTO },
        Note("16:40 轉傳前先私訊小幫手確認"),
        Say { chat: LIN, user: LIN, text: "下週二下午突擊檢查中山區的KTV，名單在附件" },
        Say { chat: LIN, user: LIN, text: "週五下午的教育訓練改到二樓大禮堂" },
        Note("17:30 政風人員查看本週摘要"),
        Say { chat: OFFICER, user: OFFICER, text: "/summary" },
        Say { chat: LIN, user: LIN, text: "/summary" },
    ]
}

fn name_of(id: &str) -> &'static str {
    match id {
        HEALTH_GROUP => "防疫工作群組",
        INSPECTION_GROUP => "稽查小組",
        OFFICE_GROUP => "秘書室業務群組",
        OFFICER => "政風室 張督導",
        CHEN => "陳科員",
        LIN => "林專員",
        HUANG => "黃組長",
        _ => "（不明）",
    }
}

/// Runs `simulate`.
pub fn run(mut config: Config) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let dir = tempdir()?;
    let db = dir.join("simulate.db");
    config.store.url = format!("sqlite://{}", db.display());
    config.server.listen = "127.0.0.1:0".into();
    config.report.officers = vec![OFFICER.to_string()];
    // The script replays a day in seconds; a cooldown measured in real
    // seconds would hide later findings of the same rule.
    config.policy.cooldown_seconds = 0;
    config.groups = vec![
        GroupConfig {
            id: HEALTH_GROUP.into(),
            name: None,
            allow: vec![],
            managers: vec![],
        },
        GroupConfig {
            id: INSPECTION_GROUP.into(),
            name: Some("稽查小組".into()),
            allow: vec!["inspection".into()],
            managers: vec![HUANG.into()],
        },
        GroupConfig {
            id: OFFICE_GROUP.into(),
            name: Some("秘書室業務群組".into()),
            allow: vec![],
            managers: vec![],
        },
    ];
    let scanner = Arc::new(super::build_scanner(&config)?);
    let rt = super::serve::runtime()?;
    let result = rt.block_on(play(config, scanner));
    let _ = std::fs::remove_dir_all(&dir);
    let transcript = result?;
    super::write_stdout(&transcript)?;
    super::write_stdout(&format!(
        "\n（模擬完成，用時 {:.1} 秒；未連線至 LINE，也未使用任何帳號。）\n",
        started.elapsed().as_secs_f64()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn tempdir() -> Result<std::path::PathBuf, CliError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| CliError::failed(e.to_string()))?;
    let dir = std::env::temp_dir().join(format!("leakguard-simulate-{}", hex::encode(bytes)));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::failed(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

struct Player {
    fake: FakeLine,
    server_url: String,
    secret: Vec<u8>,
    http: reqwest::Client,
    seen: usize,
    next_id: u64,
    last_event: Option<Value>,
    last_message: Option<(String, String)>,
    last_warning_data: Vec<(String, String)>,
    out: String,
    store: crate::store::Store,
    /// The simulated time of the next event, ms.
    clock: i64,
}

async fn play(mut config: Config, scanner: Arc<crate::scan::Scanner>) -> Result<String, CliError> {
    let fail = |e: &dyn std::fmt::Display| CliError::failed(format!("simulate: {e}"));
    let token = "simulated-channel-access-token";
    let fake = FakeLine::start(token).await.map_err(|e| fail(&e))?;
    fake.set_group_name(HEALTH_GROUP, "防疫工作群組");
    for user in [CHEN, LIN, HUANG] {
        fake.set_display_name(user, name_of(user));
    }
    config.line.api_base = fake.base_url();
    config.line.data_api_base = fake.base_url();
    let mut secret = [0u8; 16];
    getrandom::fill(&mut secret).map_err(|e| fail(&e))?;
    let secret = hex::encode(secret);
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| fail(&e))?;
    let secrets = Secrets {
        channel_secret: secret.clone(),
        channel_access_token: token.into(),
        master_key: MasterKey::new(key.to_vec()).expect("32 bytes"),
        admin_token: None,
    };
    let platforms = app::platforms(&config, &secrets).map_err(|e| fail(&e))?;
    let server = Server::start(Options {
        config: Arc::new(config),
        secrets,
        scanner,
        platforms,
        outbox: outbox::Settings::default(),
        drain: Duration::from_secs(2),
        clock: Clock::system(),
    })
    .await
    .map_err(|e| fail(&e))?;
    let mut p = Player {
        fake: fake.clone(),
        server_url: format!("http://{}", server.addr()),
        secret: secret.into_bytes(),
        http: reqwest::Client::new(),
        seen: 0,
        next_id: 0,
        last_event: None,
        last_message: None,
        last_warning_data: Vec::new(),
        out: String::new(),
        store: server.store().clone(),
        clock: crate::clock::now_ms(),
    };
    p.out
        .push_str("leakguard 模擬：一天的群組對話（真實伺服器 + 本機模擬 LINE 平台）\n");
    p.out
        .push_str("════════════════════════════════════════════════════════\n");
    let result = async {
        for step in script() {
            p.step(step).await?;
        }
        p.summary().await
    }
    .await;
    server.shutdown().await;
    result.map_err(|e| fail(&e))?;
    Ok(p.out)
}

impl Player {
    async fn step(&mut self, step: Step) -> Result<(), String> {
        match step {
            Step::Note(n) => {
                if let Some(t) = simulated_time(n) {
                    self.clock = t;
                }
                let _ = write!(self.out, "\n── {n}\n");
            }
            Step::Say { chat, user, text } => {
                let (event, mid) = self.message_event(chat, user, |id, src, rt, mid| {
                    webhook::text(id, src, rt, mid, text)
                });
                let _ = writeln!(self.out, "{}", line_for(chat, user, text));
                self.post(vec![event.clone()]).await?;
                self.last_event = Some(event);
                self.last_message = Some((chat.to_string(), mid));
            }
            Step::File {
                chat,
                user,
                name,
                content,
            } => {
                let (event, mid) = self.message_event(chat, user, |id, src, rt, mid| {
                    webhook::file(id, src, rt, mid, name)
                });
                if let Some(bytes) = content {
                    self.fake.set_content(&mid, bytes.to_vec());
                }
                let _ = writeln!(
                    self.out,
                    "{}",
                    line_for(chat, user, &format!("［檔案］{name}"))
                );
                self.post(vec![event]).await?;
                self.last_message = Some((chat.to_string(), mid));
            }
            Step::Photo {
                chat,
                user,
                content,
            } => {
                let (event, mid) = self.message_event(chat, user, |id, src, rt, mid| {
                    webhook::image(id, src, rt, mid, None)
                });
                self.fake.set_content(&mid, content.to_vec());
                let _ = writeln!(self.out, "{}", line_for(chat, user, "［照片］"));
                self.post(vec![event]).await?;
                self.last_message = Some((chat.to_string(), mid));
                if !crate::extract::ocr_installed() {
                    let _ = writeln!(
                        self.out,
                        "   （本機未安裝文字辨識元件 tesseract-ocr-chi-tra，照片未能讀取）"
                    );
                }
            }
            Step::Redeliver => {
                let event = self.last_event.clone().ok_or("nothing to redeliver")?;
                let _ = writeln!(self.out, "   （LINE 重送上一則事件）");
                self.post(vec![webhook::redelivered(event)]).await?;
            }
            Step::Unsend { chat, user } => {
                let (_, mid) = self.last_message.clone().ok_or("nothing to unsend")?;
                let id = self.event_id();
                let event = webhook::unsend(&id, webhook::group_source(chat, Some(user)), &mid);
                let _ = writeln!(self.out, "   {} 收回了訊息", name_of(user));
                self.post(vec![event]).await?;
            }
            Step::Tap { user, label } => {
                let (chat, data) = self
                    .last_warning_data
                    .iter()
                    .find(|(l, _)| l == label)
                    .cloned()
                    .map(|(_, d)| (self.last_message.clone().map(|m| m.0), d))
                    .ok_or("no warning with buttons yet")?;
                let chat = chat.ok_or("no chat")?;
                let id = self.event_id();
                let rt = self.fake.reply_token(&chat);
                let event = webhook::postback(
                    &id,
                    webhook::group_source(&chat, Some(user)),
                    Some(&rt),
                    &data,
                );
                let _ = writeln!(self.out, "   {} 點了「{label}」", name_of(user));
                self.post(vec![event]).await?;
            }
        }
        self.settle().await?;
        self.show_new_deliveries();
        Ok(())
    }

    fn event_id(&mut self) -> String {
        self.next_id += 1;
        self.clock += 45_000;
        format!("01SIMULATE{:016}", self.next_id)
    }

    fn message_event(
        &mut self,
        chat: &str,
        user: &str,
        build: impl FnOnce(&str, Value, Option<&str>, &str) -> Value,
    ) -> (Value, String) {
        let id = self.event_id();
        let mid = format!("5{:017}", self.next_id);
        let source = if chat.starts_with('U') {
            webhook::user_source(user)
        } else {
            webhook::group_source(chat, Some(user))
        };
        let rt = self.fake.reply_token(chat);
        (build(&id, source, Some(&rt), &mid), mid)
    }

    async fn post(&self, mut events: Vec<Value>) -> Result<(), String> {
        for e in &mut events {
            if e["deliveryContext"]["isRedelivery"] != true {
                e["timestamp"] = self.clock.into();
            }
        }
        let body = webhook::body(events);
        let sig = signature::sign(&self.secret, body.as_bytes());
        let r = self
            .http
            .post(format!("{}/webhook/line", self.server_url))
            .header("content-type", "application/json")
            .header("x-line-signature", sig)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("webhook: {e}"))?;
        if r.status() != 200 {
            return Err(format!("webhook answered {}", r.status()));
        }
        Ok(())
    }

    /// Waits until the content stage (a photo's OCR included) and the
    /// outbox have done everything.
    async fn settle(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let jobs = self
                .store
                .content_pending()
                .await
                .map_err(|e| e.to_string())?;
            let depth = self.store.outbox_depth().await.map_err(|e| e.to_string())?;
            if jobs == 0 && depth == 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{jobs} content jobs and {depth} messages still waiting"
                ));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn show_new_deliveries(&mut self) {
        let all = self.fake.deliveries();
        for d in &all[self.seen..] {
            self.show(d);
        }
        self.seen = all.len();
    }

    fn show(&mut self, d: &Delivery) {
        let to = d.to.as_deref().unwrap_or("");
        let how = match d.via {
            Via::Reply => "回覆",
            Via::Push => "推播",
        };
        let place = if to == OFFICER {
            format!("［私訊給 {}］", name_of(OFFICER))
        } else if to.starts_with('U') {
            format!("［與 {} 的私訊］", name_of(to))
        } else {
            format!("［{}］", name_of(to))
        };
        let _ = writeln!(self.out, "   ▶ 小幫手{how}{place}");
        for m in &d.messages {
            for l in render(m) {
                let _ = writeln!(self.out, "     │ {l}");
            }
            if let Some(items) = m["quickReply"]["items"].as_array() {
                self.last_warning_data.clear();
                let mut buttons = String::new();
                for it in items {
                    let label = it["action"]["label"].as_str().unwrap_or("");
                    let data = it["action"]["data"].as_str().unwrap_or("");
                    let _ = write!(buttons, "［{label}］");
                    self.last_warning_data
                        .push((label.to_string(), data.to_string()));
                }
                let _ = writeln!(self.out, "     │ {buttons}");
            }
        }
    }

    async fn summary(&mut self) -> Result<(), String> {
        let incidents = self.store.incidents().await.map_err(|e| e.to_string())?;
        let _ = write!(
            self.out,
            "\n════════════════════════════════════════════════════════\n\
             資料庫中的事件紀錄（不含訊息原文；遮蔽後的證據片段加密保存，此處以金鑰解開顯示）\n"
        );
        for i in incidents {
            let outcome = match i.outcome.as_deref() {
                Some("acknowledged") => "已讀確認",
                Some("false_positive") => "回報誤判",
                Some("retracted") => "已收回",
                _ => "—",
            };
            let _ = writeln!(
                self.out,
                "  #{} {}｜{}｜風險 {}｜處置 {}｜後續 {}｜片段：{}",
                i.id,
                name_of(&i.chat_id),
                i.category,
                i.severity,
                i.action,
                outcome,
                i.excerpt.as_deref().unwrap_or("（已清除）"),
            );
        }
        Ok(())
    }
}

/// Today at the `HH:MM` a note starts with, Asia/Taipei, in ms.
fn simulated_time(note: &str) -> Option<i64> {
    let (h, m) = note.get(..5)?.split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    let now = jiff::Timestamp::now().in_tz("Asia/Taipei").ok()?;
    let at = now.date().at(h, m, 0, 0).in_tz("Asia/Taipei").ok()?;
    Some(at.timestamp().as_millisecond())
}

fn line_for(chat: &str, user: &str, text: &str) -> String {
    if chat.starts_with('U') {
        format!("［與小幫手的私訊］{}：{text}", name_of(user))
    } else {
        format!("［{}］{}：{text}", name_of(chat), name_of(user))
    }
}

/// A LINE message object as the lines a phone would show.
fn render(m: &Value) -> Vec<String> {
    match m["type"].as_str() {
        Some("text") | Some("textV2") => {
            let mut text = m["text"].as_str().unwrap_or("").to_string();
            if let Some(subs) = m["substitution"].as_object() {
                for (k, v) in subs {
                    let user = v["mentionee"]["userId"].as_str().unwrap_or("");
                    text = text.replace(&format!("{{{k}}}"), &format!("@{}", name_of(user)));
                }
            }
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            if m.get("quoteToken").is_some() {
                lines.insert(0, "（引用原訊息）".into());
            }
            lines
        }
        Some("flex") => {
            let mut lines = vec![format!("〔Flex〕{}", m["altText"].as_str().unwrap_or(""))];
            if let Some(rows) = m["contents"]["body"]["contents"].as_array() {
                for r in rows {
                    let cells: Vec<&str> = r["contents"]
                        .as_array()
                        .map(|c| c.iter().filter_map(|x| x["text"].as_str()).collect())
                        .unwrap_or_default();
                    if cells.len() == 2 {
                        lines.push(format!("{}：{}", cells[0], cells[1]));
                    }
                }
            }
            lines
        }
        _ => vec![m.to_string()],
    }
}
