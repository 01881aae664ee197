//! Start-up and shutdown of the service: open the store, bind the
//! listener, start the committer and the workers, serve the routes; on
//! shutdown stop accepting, let requests in flight finish for a grace
//! period (`http::server`), let the outbox drain for a bounded time,
//! close the store.
//!
//! The platforms a server speaks are listed once, in [`platforms`]; a
//! test or a deployment may add its own through [`Options::platforms`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};

use crate::clock::Clock;
use crate::config::{Config, ContentStage, Secrets};
use crate::http::{self, server, AppState, BodyBudget, Shared};
use crate::line::client::Client;
use crate::line::content::Downloader;
use crate::line::Line;
use crate::pipeline::Pipeline;
use crate::platform::{Platform, Platforms};
use crate::scan::Scanner;
use crate::store::{Store, StoreError};
use crate::summary::{self, schedule::Summaries};
use crate::workers::attachment::Reader;
use crate::workers::{self, committer, content, outbox, Wakers};

/// Why the server could not start; one line each.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened or migrated.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The configured address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// A platform's client could not be built.
    #[error("cannot build the LINE client: {0}")]
    Client(String),
    /// The committer's thread or runtime could not be started.
    #[error("cannot start the commit thread: {0}")]
    Committer(std::io::Error),
    /// The path of this binary, which reads attachments as a child, is
    /// not known.
    #[error("cannot find the leakguard binary to read attachments with: {0}")]
    Sandbox(std::io::Error),
    /// No platform was given.
    #[error("no chat platform is configured")]
    NoPlatform,
}

/// The platforms of a configured server: LINE. A second platform is one
/// more entry here (and a sibling folder of `line/`).
pub fn platforms(config: &Config, secrets: &Secrets) -> Result<Vec<Arc<dyn Platform>>, StartError> {
    let client = Client::new(
        &config.line.api_base,
        &secrets.channel_access_token,
        Duration::from_secs(10),
    )
    .map_err(|e| StartError::Client(e.to_string()))?;
    let downloader = Downloader::new(
        &config.line.data_api_base,
        &secrets.channel_access_token,
        Duration::from_secs(config.content.download_timeout_seconds),
    )
    .map_err(|e| StartError::Client(e.to_string()))?;
    Ok(vec![Arc::new(Line::new(
        &secrets.channel_secret,
        client,
        downloader,
    ))])
}

/// What [`Server::start`] needs.
pub struct Options {
    /// Settings.
    pub config: Arc<Config>,
    /// Secrets from the environment.
    pub secrets: Secrets,
    /// The compiled packs.
    pub scanner: Arc<Scanner>,
    /// The platforms served, each at `/webhook/{name}`; officer alerts and
    /// summaries go out through the first.
    pub platforms: Vec<Arc<dyn Platform>>,
    /// Outbox pacing.
    pub outbox: outbox::Settings,
    /// How long the outbox may keep sending after shutdown is asked.
    pub drain: Duration,
    /// The time.
    pub clock: Clock,
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    http: tokio::task::JoinHandle<()>,
    worker: tokio::task::JoinHandle<()>,
    /// Fires when the commit thread has finished.
    committer: oneshot::Receiver<()>,
    store: Store,
    pipeline: Arc<Pipeline>,
}

impl Server {
    /// Opens the store, binds the listener and starts the workers.
    pub async fn start(opts: Options) -> Result<Server, StartError> {
        let config = opts.config;
        let clock = opts.clock;
        let officers_platform = opts.platforms.first().ok_or(StartError::NoPlatform)?.name();
        let platforms = Platforms::new(opts.platforms);
        let keys = opts.secrets.master_key.keys(config.report.link_epoch);
        let store = Store::connect(&config.store.url, keys.records.clone()).await?;
        let listen_err = |source| StartError::Listen {
            addr: config.server.listen.clone(),
            source,
        };
        let listener = tokio::net::TcpListener::bind(&config.server.listen)
            .await
            .map_err(listen_err)?;
        let addr = listener.local_addr().map_err(listen_err)?;
        let pipeline = Arc::new(Pipeline::new(
            opts.scanner,
            config.clone(),
            &keys,
            officers_platform,
        ));
        workers::read_watchlist(&store, &pipeline).await?;
        workers::read_roster(&store, &pipeline).await?;
        workers::read_chains(&store, &pipeline).await?;
        let wakers = Wakers::default();
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (commits, jobs) = mpsc::channel(4096);
        let committer = committer::start(store.clone(), jobs, wakers.clone(), clock.clone())
            .map_err(StartError::Committer)?;
        let summaries = Arc::new(Summaries {
            store: store.clone(),
            ctx: summary::Context::new(&config, &pipeline.scanner()),
            weekly_at: config.report.weekly_at,
            public_url: config.server.public_url.clone(),
            links: keys.links.clone(),
            platform: officers_platform,
        });
        let worker = tokio::spawn(
            outbox::Outbox::new(
                store.clone(),
                platforms.clone(),
                clock.clone(),
                wakers.outbox.clone(),
                opts.outbox,
                summaries.clone(),
            )
            .run(shutdown_rx.clone(), opts.drain),
        );
        tokio::spawn(workers::quota_loop(platforms.clone(), shutdown_rx.clone()));
        tokio::spawn(workers::chain_loop(
            store.clone(),
            pipeline.clone(),
            wakers.chains.clone(),
            Duration::from_secs(config.watch.refresh_seconds),
            shutdown_rx.clone(),
        ));
        tokio::spawn(workers::watch_loop(
            store.clone(),
            pipeline.clone(),
            wakers.watch.clone(),
            Duration::from_secs(config.watch.refresh_seconds),
            shutdown_rx.clone(),
        ));
        tokio::spawn(workers::retention_loop(
            store.clone(),
            config.store.retention_days,
            clock.clone(),
            shutdown_rx.clone(),
        ));
        start_content_workers(
            &store,
            &pipeline,
            &platforms,
            &clock,
            &wakers,
            &config.content,
            &shutdown_rx,
        )
        .await?;
        tokio::spawn(workers::summary_loop(
            summaries.clone(),
            wakers.outbox.clone(),
            clock.clone(),
            shutdown_rx.clone(),
        ));
        let state = AppState::new(Shared {
            pipeline: pipeline.clone(),
            store: store.clone(),
            platforms,
            commits,
            summaries,
            admin_token: opts.secrets.admin_token,
            clock,
            bodies: BodyBudget::new(
                config.server.body_buffer_mib << 20,
                Duration::from_secs(config.server.body_timeout_seconds),
            ),
        });
        let limits = server::Limits {
            header_timeout: Duration::from_secs(config.server.header_timeout_seconds),
            max_connections: config.server.max_connections,
            shutdown_grace: Duration::from_secs(config.server.shutdown_grace_seconds),
        };
        let http = tokio::spawn(server::serve(
            listener,
            http::router(state),
            limits,
            shutdown_rx,
        ));
        tracing::info!(%addr, store = store.url(), "leakguard listening");
        Ok(Server {
            addr,
            shutdown,
            http,
            worker,
            committer,
            store,
            pipeline,
        })
    }

    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The store, for reports and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The pipeline, for hot reload.
    pub fn pipeline(&self) -> &Arc<Pipeline> {
        &self.pipeline
    }

    /// Stops accepting, lets in-flight requests finish for the grace
    /// period (then closes their connections), lets the outbox drain for
    /// its bounded time, then closes the store.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.http.await;
        // The router (and with it the last commit sender) is gone now.
        let _ = self.committer.await;
        let _ = self.worker.await;
        self.store.close().await;
        tracing::info!("leakguard stopped");
    }
}

/// Starts `count` content workers. On SQLite no other process can hold a
/// claim, so those left by a crashed run are taken back first.
async fn start_content_workers(
    store: &Store,
    pipeline: &Arc<Pipeline>,
    platforms: &Platforms,
    clock: &Clock,
    wakers: &Wakers,
    stage: &ContentStage,
    shutdown: &watch::Receiver<bool>,
) -> Result<(), StartError> {
    let count = stage.workers;
    if count == 0 && !store.is_shared() {
        tracing::warn!(
            "content.workers is 0 on SQLite: file messages are recorded but not checked \
             until the service starts with workers"
        );
    }
    if count > 0 && !store.is_shared() {
        match store.release_content_claims().await {
            Ok(n) if n > 0 => {
                tracing::info!(jobs = n, "content job claims of an earlier run released")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot release content job claims"),
        }
    }
    let reader = Arc::new(Reader::new(stage).map_err(StartError::Sandbox)?);
    let mut settings = content::Settings::default();
    settings.lease = Duration::from_secs(stage.claim_seconds(settings.batch as u64));
    for _ in 0..count {
        let worker = content::ContentWorker {
            store: store.clone(),
            pipeline: pipeline.clone(),
            platforms: platforms.clone(),
            reader: reader.clone(),
            clock: clock.clone(),
            wake: wakers.content.clone(),
            outbox: wakers.outbox.clone(),
            settings: settings.clone(),
            id: uuid::Uuid::new_v4().to_string(),
        };
        tokio::spawn(Arc::new(worker).run(shutdown.clone()));
    }
    Ok(())
}
