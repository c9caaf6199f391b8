// The composition root shared by shop-mcp and conformance-server: builds and wires every object,
// owns every thread, and turns SIGTERM/SIGINT into an orderly stop (stop accepting, answer what
// is in flight, exit 0).
#include "common/server_main.h"

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/service_notify.h"
#include "fcgi/listener.h"
#include "fcgi/worker_pool.h"
#include "http/guard.h"
#include "http/router.h"
#include "log/log.h"
#include "mail/mailer.h"
#include "mcp/server.h"
#include "mcp/tool_registry.h"
#include "metrics/metrics.h"
#include "rpc/dispatcher.h"
#include "session/periodic.h"
#include "session/resource_watch.h"
#include "session/session_table.h"
#include "shop/prompts.h"
#include "shop/resources.h"
#include "shop/tools.h"
#include "sse/stream_hub.h"
#include "store/open_store.h"
#include "transport/legacy_sse.h"
#include "transport/operations.h"
#include "transport/rest.h"
#include "transport/seed_sse.h"
#include "transport/streamable_http.h"

namespace shopmcp::app {
namespace {

const char* getenv_lookup(const char* name) { return std::getenv(name); }

// Blocks the stop signals in this thread (and so in every thread it starts) so that only
// sigwait() in main() receives them; SIGPIPE is ignored process-wide.
sigset_t block_stop_signals() {
  signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Every open stream holds a socket: raise the soft open-file limit to the hard one.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    spdlog::info("open-file limit {}", static_cast<long long>(rl.rlim_cur));
  }
}

int run(const config::Config& cfg, const Program& program) {
  const sigset_t stop_signals = block_stop_signals();
  raise_fd_limit();
  core::SystemClock clock;

  store::SeedOptions seed;
  seed.orders = cfg.seed_orders;
  seed.seed = cfg.seed_value;
  seed.now_unix = clock.unix_seconds();
  const auto t0 = clock.steady_now();
  store::PgOptions pg;
  pg.pool_size = cfg.db_pool_size;
  pg.statement_timeout = std::chrono::seconds(cfg.db_statement_timeout);
  pg.prepare = cfg.db_prepare;
  auto db = store::open_store(cfg.db, seed, pg);
  if (!db) {
    spdlog::critical("cannot open the database: {}", db.error().message);
    return 1;
  }
  spdlog::info(
      "database ready: {} ms={}", store::describe_db(cfg.db),
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.steady_now() - t0).count());
  if (cfg.init_only) return 0;
  // Before any thread starts: taking systemd's socket edits the environment. Until the workers
  // start, nginx's connections wait in the backlog.
  auto listener = fcgi::open_listener(cfg.listen, cfg.listen_explicit);
  if (!listener) {
    spdlog::critical("{}", listener.error().message);
    return 1;
  }
  const core::ServiceNotifier service(std::getenv("NOTIFY_SOCKET"));

  metrics::Registry metrics;
  std::unique_ptr<mail::SmtpMailer> mailer;  // outlives `tools`, whose send_excel_email uses it
  if (!cfg.smtp_url.empty()) {
    mailer = std::make_unique<mail::SmtpMailer>(mail::SmtpSettings{
        cfg.smtp_url, cfg.smtp_user, cfg.smtp_password,
        std::chrono::seconds(cfg.smtp_connect_timeout), std::chrono::seconds(cfg.smtp_timeout)});
  }
  mcp::ToolRegistry tools;
  shop::register_tools(tools, **db, shop::MailOptions{mailer.get(), cfg.mail_from, ""});
  if (program.add_tools) program.add_tools(tools);
  mcp::ResourceRegistry resources;
  shop::register_resources(resources, **db);
  if (program.add_resources) program.add_resources(resources);
  mcp::PromptRegistry prompts;
  shop::register_prompts(prompts, **db, tools);
  if (program.add_prompts) program.add_prompts(prompts);
  session::SessionOptions session_options;
  session_options.max_sessions = static_cast<std::size_t>(cfg.max_sessions);
  session_options.max_sessions_per_client = static_cast<std::size_t>(cfg.max_sessions_per_client);
  session_options.replay.budget_bytes = static_cast<std::size_t>(cfg.replay_log_budget);
  session_options.idle_timeout = std::chrono::seconds(cfg.session_idle_timeout);
  session_options.client_request_timeout = std::chrono::seconds(cfg.client_request_timeout);
  session_options.max_waiting_calls = std::max(1, cfg.threads / 2);
  if (!cfg.instance.empty()) session_options.id_prefix = cfg.instance + ".";

  sse::HubOptions hub_options;
  hub_options.ping_interval = std::chrono::seconds(cfg.ping_interval);
  hub_options.max_connection_time = std::chrono::seconds(cfg.max_connection_time);
  hub_options.max_consecutive_failures = cfg.max_consecutive_failures;
  hub_options.max_streams = static_cast<std::size_t>(cfg.max_streams);
  hub_options.max_queued = session_options.replay.hub_queue();
  sse::StreamHub hub(hub_options, clock, metrics);
  hub.start();
  session::SessionTable sessions(session_options, hub, clock, metrics);
  sessions.start();
  // Memory freed after a burst of streams and sessions goes back to the system; glibc would
  // otherwise keep it in its per-thread arenas, and RSS would stay at the burst's level.
  session::Periodic memory_trim("memory trim", std::chrono::seconds(15), [] { malloc_trim(0); });
  memory_trim.start();

  mcp::ServerInfo info = program.info;
  info.version = kVersion;
  mcp::Server server(info, tools, &resources, &prompts, &sessions);
  std::stop_source shutdown;  // requested at SIGTERM: every tool call in flight is cancelled
  server.set_call_limits({std::chrono::seconds(cfg.tool_timeout), shutdown.get_token()});
  server.set_tool_observer([&metrics](const std::string& tool, bool is_error, double seconds) {
    metrics.tool_calls.with({tool, is_error ? "error" : "ok"}).inc();
    metrics.tool_seconds.with({tool}).observe(seconds);
  });
  rpc::Dispatcher dispatcher;
  server.install(dispatcher);
  // The database's own change notices (PostgreSQL with shop-mcp's triggers) wake the watcher
  // at once; a daily re-read stands in for polling. Otherwise it polls every interval.
  const bool notices = cfg.resource_poll_interval > 0 && (*db)->notifies_changes();
  session::ResourceWatcher watcher(
      server, sessions,
      notices ? std::chrono::hours(24) : std::chrono::seconds(cfg.resource_poll_interval));
  // Declared after the watcher, so the notices stop before the watcher goes.
  const struct StopWatching {
    store::Store& db;
    ~StopWatching() { db.stop_watching(); }
  } stop_watching{**db};
  if (notices && (*db)->watch_changes([&watcher] { watcher.wake(); })) {
    spdlog::info("subscribed resources follow the database's change notices");
  }
  watcher.start();

  http::Router router;
  router.set_observer([&metrics](const std::string& route, int status) {
    metrics.requests.with({route, std::to_string(status)}).inc();
  });

  http::GuardOptions guard_options;
  guard_options.allowed_hosts = cfg.allowed_hosts;
  guard_options.allowed_origins = cfg.allowed_origins;
  guard_options.auth_token = cfg.auth_token;
  guard_options.public_paths = {"/mcp/health"};
  const http::Guard guard(guard_options);
  router.set_admission([&guard](const http::Request& req) { return guard.check(req); });

  transport::DoorLimits limits;
  limits.max_json_depth = static_cast<std::size_t>(cfg.max_json_depth);
  limits.max_batch_messages = static_cast<std::size_t>(cfg.max_batch_messages);
  limits.max_batch_answer_bytes = static_cast<std::size_t>(cfg.max_batch_answer_bytes);
  transport::Services services{&server,  &dispatcher, &clock, clock.steady_now(), &hub,
                               &metrics, &sessions,   limits, cfg.instance};
  transport::add_rest_routes(router, services);
  transport::add_streamable_http_routes(router, services);
  transport::add_legacy_sse_routes(router, services);
  transport::add_seed_sse_route(router, services);
  transport::add_operations_routes(router, services);

  fcgi::PoolOptions pool_options;
  pool_options.threads = cfg.threads;
  pool_options.body_limit = cfg.body_limit;
  pool_options.inherited_socket = listener->inherited;
  auto peers = fcgi::PeerFilter::parse(cfg.allowed_peers);
  MCP_CHECK(static_cast<bool>(peers));  // the option's own check accepted each address
  pool_options.peers = std::move(*peers);
  fcgi::WorkerPool pool(listener->fd, pool_options, router);
  pool.start();
  spdlog::info("{} {} listening on {} with {} worker threads", program.name, kVersion,
               listener->description, cfg.threads);
  if (service.enabled() && !service.send("READY=1\nSTATUS=answering on " + listener->description)) {
    spdlog::warn("could not tell the service manager this service is ready (NOTIFY_SOCKET)");
  }

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  spdlog::info("received {}: no new requests; closing {} streams, answering requests in flight",
               sig == SIGTERM ? "SIGTERM" : "SIGINT", hub.open_streams());
  service.send("STOPPING=1\nSTATUS=closing streams, answering requests in flight");
  const auto drain_start = clock.steady_now();
  shutdown.request_stop();
  pool.stop();
  if (!listener->inherited && cfg.listen.rfind("unix:", 0) == 0) unlink(cfg.listen.c_str() + 5);
  watcher.stop();
  sessions.stop();
  sessions.close_all();  // calls waiting on a client return at once
  hub.shutdown(std::chrono::milliseconds(1500));
  if (!pool.join_until(drain_start + std::chrono::seconds(cfg.shutdown_timeout))) {
    // A call that ignores cancellation (a stuck database read) must not keep the process alive:
    // its client gets nothing, as when the process is killed.
    spdlog::warn("requests still running {} s after {}: exiting without them", cfg.shutdown_timeout,
                 sig == SIGTERM ? "SIGTERM" : "SIGINT");
    std::fflush(nullptr);
    spdlog::shutdown();
    std::_Exit(0);
  }
  spdlog::info("drained in {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                       clock.steady_now() - drain_start)
                                       .count());
  spdlog::info("stopped after {} requests", pool.requests_served());
  return 0;
}

}  // namespace

int server_main(int argc, char** argv, const Program& program) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cfg = config::parse(args, getenv_lookup);
  if (!cfg) {
    std::fprintf(stderr, "%s: %s\n", program.name, cfg.error().message.c_str());
    return 2;
  }
  if (cfg->show_help) {
    std::cout << config::help_text();
    return 0;
  }
  if (cfg->show_version) {
    std::cout << program.name << " " << kVersion << "\n";
    return 0;
  }
  log::setup(cfg->log_level, cfg->log_format,
             log::stderr_is_journal(std::getenv("JOURNAL_STREAM")));
  try {
    return run(*cfg, program);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}

}  // namespace shopmcp::app
