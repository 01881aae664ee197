//! A server in this process, for what the real binary cannot show: an
//! injected clock, a platform defined in a test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use leakguard::app::{self, Options, Server};
use leakguard::clock::Clock;
use leakguard::config::{Config, Secrets};
use leakguard::line::fake::{webhook, FakeLine};
use leakguard::line::signature;
use leakguard::platform::Platform;
use leakguard::scan::{builtin_packs, Scanner};
use leakguard::secret::MasterKey;
use leakguard::workers::outbox;
use serde_json::Value;

use super::{OFFICER, SECRET, TOKEN};

/// A server in this process (for what the binary cannot show: an injected
/// clock, a platform defined in a test) on SQLite, with the fake LINE
/// platform and the officer.
pub struct Local {
    /// The server.
    pub server: Server,
    /// The fake LINE platform, the first platform.
    pub fake: FakeLine,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Local {
    /// Starts with `clock`, `cooldown_seconds`, and `extra` platforms after LINE.
    pub async fn start(
        clock: Clock,
        cooldown_seconds: u64,
        extra: Vec<Arc<dyn Platform>>,
    ) -> Local {
        Local::start_with(clock, extra, |config| {
            config.policy.cooldown_seconds = cooldown_seconds
        })
        .await
    }

    /// Starts with `clock`, `extra` platforms after LINE, and the settings
    /// as `settings` leaves them.
    pub async fn start_with(
        clock: Clock,
        extra: Vec<Arc<dyn Platform>>,
        settings: impl FnOnce(&mut Config),
    ) -> Local {
        let fake = FakeLine::start(TOKEN).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.server.listen = "127.0.0.1:0".into();
        config.line.api_base = fake.base_url();
        config.store.url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        config.report.officers = vec![OFFICER.into()];
        settings(&mut config);
        let secrets = Secrets {
            channel_secret: SECRET.into(),
            channel_access_token: TOKEN.into(),
            master_key: MasterKey::new(b"in-process-test-key-0123".to_vec()).unwrap(),
            admin_token: None,
        };
        let mut platforms = app::platforms(&config, &secrets).unwrap();
        platforms.extend(extra);
        let scanner = Scanner::new(&builtin_packs().unwrap()).unwrap();
        let server = Server::start(Options {
            config: Arc::new(config),
            secrets,
            scanner: Arc::new(scanner),
            platforms,
            outbox: outbox::Settings::default(),
            drain: Duration::from_secs(1),
            clock,
        })
        .await
        .unwrap();
        let url = format!("http://{}", server.addr());
        Local {
            server,
            fake,
            url,
            _dir: dir,
        }
    }

    /// Posts LINE events in one signed body; the status.
    pub async fn events(&self, events: Vec<Value>) -> u16 {
        let body = webhook::body(events);
        let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
        reqwest::Client::new()
            .post(format!("{}/webhook/line", self.url))
            .header("x-line-signature", sig)
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Shuts the server down (the database stays until it has stopped).
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }

    /// Waits until the outbox is empty, then a little longer.
    pub async fn settle(&self) {
        let store = self.server.store();
        let deadline = Instant::now() + Duration::from_secs(20);
        while store.outbox_depth().await.unwrap() + store.content_pending().await.unwrap() > 0 {
            assert!(Instant::now() < deadline, "the outbox did not drain");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}
