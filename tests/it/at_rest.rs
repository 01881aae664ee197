//! What a copy of the store shows without the key (issue 15): no excerpt
//! and no name in the SQLite files or the PostgreSQL tables, even after
//! an unsend and a purge; files private to the service; a key file open to
//! others refused; a report link revoked by its epoch alone; a forged event
//! time that cannot keep a record past retention.

use std::time::Duration;

use leakguard::clock::Clock;
use leakguard::line::fake::webhook;
use sqlx::Connection;

use crate::support::*;

/// What the store keeps sealed, as the server itself shows it: the
/// excerpts (opened with the key) and the names the fake platform gave.
async fn sealed_texts(app: &App) -> Vec<String> {
    let mut texts: Vec<String> = app
        .incidents()
        .await
        .into_iter()
        .filter_map(|i| i.excerpt)
        .collect();
    assert!(
        texts.len() >= 3,
        "the excerpts open with the key: {texts:?}"
    );
    texts.extend(["業務聯繫群組", "王小姐", "李先生"].map(String::from));
    texts
}

/// Every two neighbouring characters of `texts` that are neither ASCII nor
/// a mask or ellipsis: what must not be found in a copy of the store. Two
/// characters (six bytes in UTF-8) do not turn up by chance in ciphertext;
/// one might.
fn pieces(texts: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in texts {
        let chars: Vec<char> = t.chars().collect();
        for w in chars.windows(2) {
            if w.iter()
                .all(|c| !c.is_ascii() && !"○…＊，、：。".contains(*c))
            {
                out.push(w.iter().collect());
            }
        }
    }
    out.sort();
    out.dedup();
    assert!(out.len() > 10, "{out:?}");
    out
}

fn assert_none_in(what: &str, haystack: &[u8], pieces: &[String]) {
    let text = String::from_utf8_lossy(haystack);
    for p in pieces {
        assert!(!text.contains(p.as_str()), "{p} found in {what}");
    }
}

/// Three warned messages; returns the id of the patient message.
async fn warned_conversation(app: &App) -> String {
    let patient = app.text(GROUP, BOB, PATIENT);
    let patient_id = patient["message"]["id"].as_str().unwrap().to_string();
    let informant = app.text(
        GROUP,
        ALICE,
        "檢舉人是隔壁的李大華，電話0912345678，別說是我講的",
    );
    let events = vec![app.text(GROUP, ALICE, INSPECTION), patient, informant];
    assert_eq!(app.events(events).await, 200);
    app.settle().await;
    patient_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_sqlite_files_after_warnings_an_unsend_and_retention_shows_no_excerpt_or_name(
) {
    let mut app = App::start(Setup::default()).await;
    let patient_id = warned_conversation(&app).await;
    let pieces = pieces(&sealed_texts(&app).await);

    let unsend = webhook::unsend(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(BOB)),
        &patient_id,
    );
    assert_eq!(app.events(vec![unsend]).await, 200);
    app.settle().await;
    // The inspection message falls out of retention at the next start.
    app.sql(&format!(
        "UPDATE incidents SET created_at = created_at - {} WHERE user_id = '{ALICE}'",
        181 * 86_400_000i64
    ))
    .await;
    app.kill();
    app.spawn();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.logs().matches("retention applied").count() < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", app.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let left = app.incidents().await;
    assert!(left.iter().all(|i| i.user_id.as_deref() == Some(BOB)));
    assert!(left.iter().all(|i| i.excerpt.is_none()), "unsent: erased");

    // A copy taken while the server runs, and one after it stopped.
    let data = app.dir.join("data");
    for round in 0..2 {
        let mut files = 0;
        for entry in std::fs::read_dir(&data).unwrap() {
            let path = entry.unwrap().path();
            assert_none_in(
                &path.display().to_string(),
                &std::fs::read(&path).unwrap(),
                &pieces,
            );
            files += 1;
        }
        assert!(files >= 1);
        if round == 0 {
            assert!(app.terminate().success());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_tables_hold_no_excerpt_or_name() {
    let Some(url) = postgres().await else { return };
    let app = App::start(Setup {
        db: Db::Postgres(url.clone()),
        ..Setup::default()
    })
    .await;
    warned_conversation(&app).await;
    let texts = sealed_texts(&app).await;
    let pieces = pieces(&texts);
    for (table, dump) in postgres_tables(&url).await {
        assert_none_in(&table, dump.as_bytes(), &pieces);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_files_are_private_to_the_service() {
    use std::os::unix::fs::PermissionsExt;
    let app = App::start(Setup::default()).await;
    warned_conversation(&app).await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = app.dir.join("data");
    assert_eq!(mode(&data), 0o700, "the data directory");
    let mut files = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        files += 1;
    }
    assert!(files >= 2, "the database and its log");
    assert_eq!(mode(&app.dir.join("leakguard.key")), 0o600);
}

#[cfg(unix)]
#[test]
fn a_key_file_other_users_can_read_stops_start_up() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("leakguard.toml");
    std::fs::write(&config, "[store]\nurl = \"sqlite::memory:\"\n").unwrap();
    let key = dir.path().join("leakguard.key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = App::command(&config)
        .env("LEAKGUARD_LISTEN", "127.0.0.1:0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "serve started: {stderr}");
    assert!(
        stderr.contains("open to other users") && stderr.contains("chmod 600"),
        "{stderr}"
    );
}

/// The path and query of a link to this week's report signed with `links`.
fn link(links: &leakguard::secret::LinkKey) -> String {
    let week = leakguard::calendar::IsoWeek::containing(
        jiff::Timestamp::now(),
        &jiff::tz::TimeZone::get("Asia/Taipei").unwrap(),
    )
    .to_string();
    let expires = jiff::Timestamp::now().as_second() + 3600;
    format!(
        "/reports/{week}?expires={expires}&sig={}",
        links.sign(&week, expires)
    )
}

async fn text_hashes(app: &App) -> Vec<String> {
    let mut db = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
    sqlx::query_scalar("SELECT text_hash FROM incidents ORDER BY id")
        .fetch_all(&mut db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_link_epoch_revokes_old_links_and_text_hashes_still_match() {
    let mut app = App::start(Setup::default()).await;
    assert_eq!(
        app.events(vec![app.text(GROUP, ALICE, INSPECTION)]).await,
        200
    );
    app.settle().await;
    let master = std::fs::read_to_string(app.dir.join("leakguard.key")).unwrap();
    let master = leakguard::secret::MasterKey::new(master.trim().as_bytes().to_vec()).unwrap();
    let (old, new) = (link(&master.keys(1).links), link(&master.keys(2).links));
    assert_eq!(app.get(&old).await.0, 200);
    assert_eq!(app.get(&new).await.0, 403, "not yet");

    // The officer raises the epoch: links signed before stop working.
    app.kill();
    app.set_env("LEAKGUARD_LINK_EPOCH", "2");
    app.spawn();
    assert_eq!(app.get(&old).await.0, 403);
    assert_eq!(app.get(&new).await.0, 200);
    // The same text still has the same hash, and the excerpt still opens.
    assert_eq!(
        app.events(vec![app.text(GROUP, BOB, INSPECTION)]).await,
        200
    );
    app.settle().await;
    let hashes = text_hashes(&app).await;
    assert_eq!(hashes.len(), 2);
    assert_eq!(hashes[0], hashes[1], "the same text, the same hash");
    assert!(app.incidents().await.iter().all(|i| i.excerpt.is_some()));
}

/// A signed event dated at the end of time is stored at its receive time,
/// so retention takes it like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_event_time_is_clamped_and_purged_by_retention() {
    const DAY: i64 = 86_400_000;
    let start = 1_764_554_400_000;
    let clock = Clock::fixed(start);
    let local = Local::start(clock.clone(), 0, Vec::new()).await;
    let mut forged = webhook::text(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        None,
        &format!("9{}", unique()),
        INSPECTION,
    );
    forged["timestamp"] = serde_json::json!(i64::MAX);
    assert_eq!(local.events(vec![forged]).await, 200);
    local.settle().await;
    let store = local.server.store();
    assert_eq!(store.incidents().await.unwrap().len(), 1);
    let metrics = leakguard::metrics::render();
    let clamped: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("leakguard_event_times_clamped_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no clamp counter:\n{metrics}"));
    assert!(clamped >= 1.0, "counted");

    let purged = leakguard::workers::apply_retention(store, 180, start + 181 * DAY)
        .await
        .unwrap();
    assert_eq!(purged.incidents, 1);
    assert!(store.incidents().await.unwrap().is_empty());
}

/// A store written by a version that kept excerpts and names in clear is
/// sealed on the first start with the key, and the old text is gone from
/// the file, free pages included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_an_older_version_kept_in_clear_are_sealed_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    let url = format!("sqlite://{}", file.display());
    let keys = leakguard::secret::MasterKey::new(b"older-version-test-key-01".to_vec())
        .unwrap()
        .keys(1);
    let store = leakguard::store::Store::connect(&url, keys.records.clone())
        .await
        .unwrap();
    store.close().await;
    // What an older version wrote.
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    for sql in [
        "INSERT INTO incidents (chat_id, category, rules, severity, score, excerpt, text_hash, \
         action, created_at) VALUES ('C1', 'patient', 'patient.case', 'high', 90, \
         '確診個案王○明…足跡全聯新莊店', 'h', 'warned', 1)",
        "INSERT INTO chats (chat_id, kind, name) VALUES ('C1', 'group', '新莊防疫聯繫群組')",
        "INSERT INTO profiles (chat_id, user_id, display_name, fetched_at) \
         VALUES ('C1', 'U1', '陳淑芬', 1)",
    ] {
        sqlx::query(sql).execute(&mut db).await.unwrap();
    }
    db.close().await.unwrap();

    let store = leakguard::store::Store::connect(&url, keys.records.clone())
        .await
        .unwrap();
    assert_eq!(
        store.incidents().await.unwrap()[0].excerpt.as_deref(),
        Some("確診個案王○明…足跡全聯新莊店")
    );
    assert_eq!(
        store.chat_name("C1").await.unwrap().as_deref(),
        Some("新莊防疫聯繫群組")
    );
    assert_eq!(
        store.display_name("C1", "U1").await.unwrap().as_deref(),
        Some("陳淑芬")
    );
    store.close().await;
    let pieces = pieces(&[
        "確診個案王○明…足跡全聯新莊店".to_string(),
        "新莊防疫聯繫群組".to_string(),
        "陳淑芬".to_string(),
    ]);
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", file.display());
        if let Ok(bytes) = std::fs::read(&path) {
            assert_none_in(&path, &bytes, &pieces);
        }
    }
}
