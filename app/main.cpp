// bountybot: the executable. Subcommands of SPEC §10: serve, migrate, deposit, ledger check, replay, payouts,
// card-disputes.
#include "jobs/outbox_sender.hpp"
#include "app/clock.hpp"
#include "app/config.hpp"
#include "db/db.hpp"
#include "app/logging.hpp"
#include "app/service.hpp"
#include "bot/store/store.hpp"
#include "escrow/store/store.hpp"
#include "webhooks/inbox.hpp"
#include "webhooks/signature.hpp"
#include "jobs/inbox_worker.hpp"
#include "payments/store/store.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace bountybot;
std::atomic<bool> stop_requested{false};

void on_signal(int) { stop_requested = true; }

app::config load(const std::string& config_file) {
  auto vars = app::environment_variables();
  if (!config_file.empty()) app::read_env_file(config_file, vars);
  auto c = app::load_config(vars);
  if (!c) throw std::runtime_error(c.error().message);
  return *c;
}

int cmd_migrate(const app::config& c) {
  pqxx::connection conn(c.database_url);
  const int n = db::migrate(conn);
  std::cout << "database at version " << db::latest_version() << " (" << n << " migration(s) applied)\n";
  if (const int causes = jobs::inbox_worker(c.database_url, {}).backfill_causes(); causes > 0) {
    std::cout << "recorded the causes of " << causes << " delivery(ies) processed before causes were recorded\n";
  }
  return 0;
}

int cmd_ledger_check(const app::config& c) {
  pqxx::connection conn(c.database_url);
  pqxx::work tx(conn);
  const auto problems = escrow::check_ledger(tx);
  for (const auto& p : problems) std::cout << "VIOLATION: " << p << "\n";
  if (problems.empty()) std::cout << "ledger ok: every invariant holds\n";
  return problems.empty() ? 0 : 1;
}

int cmd_deposit(const app::config& c, const std::string& platform, std::int64_t user_id, const std::string& login,
                const std::string& amount_text, const std::string& currency, const std::string& reference) {
  auto text = escrow::parse_amount(amount_text);
  if (!text) {
    std::cerr << "amount: " << text.error().message << "\n";
    return 2;
  }
  const std::string code = text->currency_code.value_or(currency);
  if (code.empty()) {
    std::cerr << "give the currency with --currency or in the amount (`50 USD`)\n";
    return 2;
  }
  // The bound of a deposit is record_deposit's (BOUNTYBOT_MAX_DEPOSIT), with its own message.
  auto money = escrow::to_money(*text, code, app::max_deposit_units_limit);
  if (!money) {
    std::cerr << "amount: " << money.error().message << "\n";
    return 2;
  }
  bot::deposit_request req{platform, user_id, login, money->amount_minor(), money->currency(), reference};
  std::unique_ptr<pqxx::connection> conn;
  result<bot::deposit_result> r = make_problem(problem_code::none, "");
  try {
    db::transact(conn, c.database_url, [&](pqxx::work& tx) {
      r = bot::record_deposit(tx, req, app::now_utc(), c.max_deposit_units);
      if (!r) throw problem_error(r.error());
      if (!r->held_pledges.empty()) tx.exec(std::string("NOTIFY ") + jobs::outbox_channel);
    });
  } catch (const escrow::ledger_refusal& e) {
    r = e.reason;
  } catch (const problem_error&) {
  }
  if (!r) {
    std::cerr << "deposit refused: " << r.error().message << "\n";
    return 1;
  }
  std::cout << (r->created ? "deposit recorded" : "deposit already recorded") << ": " << escrow::format_money(*money)
            << " for " << platform << " user " << user_id << "; available now "
            << escrow::format_money(r->available) << "; pledges now held: "
            << r->held_pledges.size() << "\n";
  return 0;
}

int cmd_outbox_list(const app::config& c, bool dead_only) {
  pqxx::connection conn(c.database_url);
  pqxx::work tx(conn);
  const auto rows = tx.exec(dead_only ? jobs::list_dead_calls_sql : jobs::list_unsent_calls_sql);
  std::cout << "id\tkind\tissue\tattempts\tstate\tnext attempt\tlast error\n";
  for (const auto& r : rows) {
    std::cout << r[0].c_str() << "\t" << r[1].c_str() << "\t" << r[2].c_str() << "\t" << r[3].c_str() << "\t"
              << r[4].c_str() << "\t" << r[5].c_str() << "\t" << r[6].c_str() << "\n";
  }
  std::cout << rows.size() << " call(s) not sent\n";
  return 0;
}

int cmd_outbox_retry(const app::config& c, const std::vector<std::int64_t>& ids) {
  pqxx::connection conn(c.database_url);
  pqxx::work tx(conn);
  std::string list = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + std::to_string(ids[i]);
  list += "}";
  const auto r = tx.exec_params(jobs::requeue_dead_calls_sql, list);
  tx.exec(std::string("NOTIFY ") + jobs::outbox_channel);
  tx.commit();
  std::cout << r.size() << " dead call(s) queued again\n";
  return 0;
}

int cmd_payouts_list(const app::config& c, const std::string& state_name) {
  const auto state = payments::payout_state_from(state_name);
  if (!state) {
    std::cerr << "--state is one of requested, paid, failed\n";
    return 1;
  }
  pqxx::connection conn(c.database_url);
  pqxx::work tx(conn);
  const auto rows = payments::payouts_in_state(tx, *state, 10'000);
  std::cout << "id\tkind\tuser\tamount\tprovider\tstate\trequested\treference\n";
  for (const auto& p : rows) {
    std::cout << p.id << "\t" << payments::to_string(p.kind) << "\t" << bot::to_string(p.who.platform) << ":" << p.who.user_id << "\t" << escrow::format_money(p.amount)
              << "\t" << payments::to_string(p.provider) << "\t" << payments::to_string(p.state) << "\t"
              << bot::format_rfc3339(p.requested_at) << "\t" << (p.reference.empty() ? p.reason : p.reference) << "\n";
  }
  std::cout << rows.size() << " payout(s) " << state_name << "\n";
  return 0;
}

/// `bountybot payouts paid ID --reference REF` / `payouts failed ID --reason WHY`.
int cmd_payouts_settle(const app::config& c, std::int64_t id, const std::string& text, bool paid) {
  if (text.empty() || text.size() > bot::max_reason_chars) {
    std::cerr << (paid ? "--reference" : "--reason") << " must be 1 to 1000 bytes\n";
    return 1;
  }
  std::unique_ptr<pqxx::connection> conn;
  result<payments::payout_row> r = make_problem(problem_code::none, "");
  db::transact(conn, c.database_url, [&](pqxx::work& tx) {
    r = payments::settle_manual_payout(tx, id, paid, text, app::now_utc());
  });
  if (!r) {
    std::cerr << "payout " << id << ": " << r.error().message << "\n";
    return 1;
  }
  std::cout << "payout " << id << " of " << escrow::format_money(r->amount) << " is " << payments::to_string(r->state)
            << (paid ? "" : "; its amount is payable again") << "\n";
  return 0;
}

/// `bountybot card-disputes list [--all]`: the card disputes, with whom each froze.
int cmd_card_disputes_list(const app::config& c, bool all) {
  pqxx::connection conn(c.database_url);
  pqxx::work tx(conn);
  const auto rows = payments::card_disputes(tx, !all, 10'000);
  std::cout << "id\tuser\tamount\treason\topened\tlifted\tpayment_intent\n";
  for (const auto& d : rows) {
    std::cout << d.dispute.dispute_id << "\t" << (d.who ? payments::account_ref(*d.who) : std::string("-")) << "\t"
              << escrow::format_money(d.dispute.amount_minor, d.dispute.currency) << "\t" << d.dispute.reason << "\t"
              << bot::format_rfc3339(d.opened_at) << "\t" << (d.lifted_at ? bot::format_rfc3339(*d.lifted_at) : "-")
              << "\t" << d.dispute.payment_intent << "\n";
  }
  std::cout << rows.size() << " dispute(s)" << (all ? "" : " open") << "\n";
  return 0;
}

/// `bountybot card-disputes lift ID --note WHY`.
int cmd_card_disputes_lift(const app::config& c, const std::string& id, const std::string& note) {
  if (const auto checked = payments::check_lift_note(note); !checked) {
    std::cerr << "--note: " << checked.error().message << "\n";
    return 1;
  }
  std::unique_ptr<pqxx::connection> conn;
  result<payments::card_dispute_row> r = make_problem(problem_code::none, "");
  db::transact(conn, c.database_url, [&](pqxx::work& tx) { r = payments::lift_card_dispute(tx, id, note, app::now_utc()); });
  if (!r) {
    std::cerr << "dispute " << id << ": " << r.error().message << "\n";
    return 1;
  }
  std::cout << "dispute " << id << " lifted" << (r->who ? " for " + payments::account_ref(*r->who) : std::string()) << "\n";
  return 0;
}

int cmd_replay(const app::config& c, const std::vector<std::string>& files) {
  std::unique_ptr<pqxx::connection> conn;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << file << ": cannot read\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    const auto doc = boost::json::parse(ss.str(), ec);
    if (ec || !doc.is_object() || !doc.as_object().contains("payload") || !doc.as_object().contains("event")) {
      std::cerr << file << ": expected {\"platform\", \"event\", \"delivery_id\"?, \"payload\"}\n";
      return 2;
    }
    const auto& o = doc.as_object();
    webhooks::delivery d;
    d.platform = o.contains("platform") ? std::string(o.at("platform").as_string()) : "github";
    d.event = std::string(o.at("event").as_string());
    d.payload = boost::json::serialize(o.at("payload"));
    d.delivery_id = o.contains("delivery_id") ? std::string(o.at("delivery_id").as_string())
                                              : "replay-" + webhooks::hmac_sha256_hex("replay", d.payload).substr(0, 32);
    bool stored = false;
    db::transact(conn, c.database_url, [&](pqxx::work& tx) { stored = webhooks::store_delivery(tx, d); });
    std::cout << file << ": delivery " << d.platform << ":" << d.delivery_id << " "
              << (stored ? "stored" : "already received; no effect") << "\n";
  }
  const auto apis = app::make_platform_apis(c);
  jobs::inbox_worker worker(c.database_url, app::make_worker_settings(c, apis));
  const int processed = worker.drain();
  jobs::outbox_sender sender(c.database_url, apis, {.public_url = c.public_url});
  const int sent = sender.drain();
  std::cout << "processed " << processed << " delivery(ies); handled " << sent << " outgoing call(s)\n";
  return 0;
}

// Prints a stored delivery: what the inbox knows of it on stderr, its body exactly as received
// on stdout (the inbox keeps bodies lz4-compressed, so `psql` shows bytes).
int cmd_inbox_show(const app::config& c, const std::string& key) {
  const auto colon = key.find(':');
  if (colon == std::string::npos) {
    std::cerr << "expected PLATFORM:DELIVERY_ID, e.g. github:72d3162e-cc78-11e3-81ab-4c9367dc0958\n";
    return 2;
  }
  pqxx::connection conn(c.database_url);
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_params(webhooks::delivery_by_key_sql(), key.substr(0, colon), key.substr(colon + 1));
  if (rows.empty()) {
    std::cerr << "no delivery " << key << " in the inbox\n";
    return 1;
  }
  const auto& r = rows[0];
  std::cerr << "delivery " << key << ": event " << r[0].c_str() << ", received " << r[1].c_str() << ", issue "
            << (r[2].as<std::string>().empty() ? "not named yet" : r[2].c_str()) << ", " << r[3].c_str() << " after "
            << r[4].c_str() << " attempt(s)" << (r[5].as<std::string>().empty() ? "" : std::string(": ") + r[5].c_str()) << "\n";
  std::cout << webhooks::read_payload(r, 6) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bountybot: crowdfunded bounties on GitHub and GitLab issues"};
  cli.require_subcommand(1);
  std::string config_file;
  cli.add_option("--config", config_file, "a .env-style file of BOUNTYBOT_* variables");

  auto* serve = cli.add_subcommand("serve", "run the HTTP service, inbox workers and outbox sender");
  auto* migrate = cli.add_subcommand("migrate", "apply pending database migrations");
  auto* deposit = cli.add_subcommand("deposit", "record an operator deposit (manual provider)");
  std::string platform, login, amount, currency, reference;
  std::int64_t user_id = 0;
  deposit->add_option("--platform", platform, "github or gitlab")->required();
  deposit->add_option("--user-id", user_id, "numeric platform user id")->required();
  deposit->add_option("--login", login, "display login");
  deposit->add_option("--amount", amount, "amount, e.g. 50.00 or '50 EUR'")->required();
  deposit->add_option("--currency", currency, "ISO 4217 code, if the amount names none");
  deposit->add_option("--reference", reference, "the payment's reference (idempotency)")->required();
  auto* ledger = cli.add_subcommand("ledger", "ledger tools");
  auto* check = ledger->add_subcommand("check", "verify the ledger invariants");
  ledger->require_subcommand(1);
  auto* replay = cli.add_subcommand("replay", "feed recorded deliveries through the intake and process them");
  std::vector<std::string> files;
  replay->add_option("files", files, "JSON files {platform, event, delivery_id?, payload}")->required();

  auto* inbox = cli.add_subcommand("inbox", "stored deliveries");
  inbox->require_subcommand(1);
  auto* inbox_show = inbox->add_subcommand("show", "print a stored delivery's body (stdout) and state (stderr)");
  std::string inbox_key;
  inbox_show->add_option("delivery", inbox_key, "PLATFORM:DELIVERY_ID")->required();

  auto* outbox = cli.add_subcommand("outbox", "platform calls waiting or parked as dead");
  outbox->require_subcommand(1);
  auto* outbox_list = outbox->add_subcommand("list", "list calls not sent yet");
  bool dead_only = false;
  outbox_list->add_flag("--dead", dead_only, "only the dead ones");
  auto* outbox_retry = outbox->add_subcommand("retry", "queue dead calls again (all, or the given ids)");
  std::vector<std::int64_t> retry_ids;
  outbox_retry->add_option("ids", retry_ids, "outbox ids");

  auto* payouts = cli.add_subcommand("payouts", "the manual provider's payout queue (SPEC §14)");
  payouts->require_subcommand(1);
  auto* payouts_list = payouts->add_subcommand("list", "list payouts in a state");
  std::string payout_state = "requested";
  payouts_list->add_option("--state", payout_state, "requested (default), paid or failed");
  auto* payouts_paid = payouts->add_subcommand("paid", "mark a requested payout paid");
  auto* payouts_failed = payouts->add_subcommand("failed", "mark a payout failed: its amount is payable again");
  std::int64_t payout_id = 0;
  std::string payout_text;
  payouts_paid->add_option("id", payout_id, "payout id")->required();
  payouts_paid->add_option("--reference", payout_text, "how it was paid (e.g. the bank transfer's reference)")->required();
  payouts_failed->add_option("id", payout_id, "payout id")->required();
  payouts_failed->add_option("--reason", payout_text, "why it could not be paid")->required();

  auto* disputes = cli.add_subcommand("card-disputes", "card disputes and the freezes they put on users (SPEC §14)");
  disputes->require_subcommand(1);
  auto* disputes_list = disputes->add_subcommand("list", "list the open disputes (or all)");
  bool all_disputes = false;
  disputes_list->add_flag("--all", all_disputes, "lifted ones too, newest first");
  auto* disputes_lift = disputes->add_subcommand("lift", "lift a dispute's freeze");
  std::string dispute_id, lift_note;
  disputes_lift->add_option("id", dispute_id, "dispute id (dp_...)")->required();
  disputes_lift->add_option("--note", lift_note, "why the freeze is lifted")->required();

  CLI11_PARSE(cli, argc, argv);
  try {
    const auto c = load(config_file);
    app::setup_logging(c);
    if (*migrate) return cmd_migrate(c);
    if (*check) return cmd_ledger_check(c);
    if (*deposit) return cmd_deposit(c, platform, user_id, login, amount, currency, reference);
    if (*replay) return cmd_replay(c, files);
    if (*inbox_show) return cmd_inbox_show(c, inbox_key);
    if (*outbox_list) return cmd_outbox_list(c, dead_only);
    if (*outbox_retry) return cmd_outbox_retry(c, retry_ids);
    if (*payouts_list) return cmd_payouts_list(c, payout_state);
    if (*payouts_paid) return cmd_payouts_settle(c, payout_id, payout_text, true);
    if (*payouts_failed) return cmd_payouts_settle(c, payout_id, payout_text, false);
    if (*disputes_list) return cmd_card_disputes_list(c, all_disputes);
    if (*disputes_lift) return cmd_card_disputes_lift(c, dispute_id, lift_note);
    if (*serve) {
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      return app::serve(c, stop_requested);
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
