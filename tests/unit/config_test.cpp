// Configuration (SPEC §10).
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace bountybot::app {
namespace {

TEST(Config, DefaultsFollowTheSpec) {
  const auto c = load_config({{"BOUNTYBOT_DATABASE_URL", "postgresql:///x"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->github_api_url, "https://api.github.com");
  EXPECT_EQ(c->gitlab_url, "https://gitlab.com");
  EXPECT_EQ(c->pledge_ttl, std::chrono::days{90});
  EXPECT_EQ(c->awaiting_funds_ttl, std::chrono::days{7});
  EXPECT_EQ(c->vote_window, std::chrono::days{7});
  EXPECT_EQ(c->reaction_poll, std::chrono::minutes{5});
  EXPECT_EQ(c->max_body_bytes, 1u << 20);
  EXPECT_TRUE(platform_dry_run(*c, "github"));
}

TEST(Config, DatabaseUrlIsRequiredAndBadValuesNameTheVariable) {
  EXPECT_FALSE(load_config({}));
  const auto bad = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_PLEDGE_TTL", "90 days"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("BOUNTYBOT_PLEDGE_TTL"), std::string::npos);
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_LISTEN", "8080"}}));
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_PLATFORM_FEE_BPS", "10001"}}));
}

TEST(Config, SignInNeedsBothHalvesOfAnOAuthAppAndTheSecretKey) {
  const std::string key(64, 'a');
  const auto ok = load_config({{"BOUNTYBOT_DATABASE_URL", "x"},
                               {"BOUNTYBOT_SECRET_KEY", key},
                               {"BOUNTYBOT_GITHUB_CLIENT_ID", "id"},
                               {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "s"}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->github_web_url, "https://github.com");
  EXPECT_EQ(ok->secret_key, key);
  const auto half = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_SECRET_KEY", key},
                                 {"BOUNTYBOT_GITLAB_CLIENT_ID", "id"}});
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("BOUNTYBOT_GITLAB_CLIENT_SECRET"), std::string::npos) << half.error().message;
  const auto keyless = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_GITHUB_CLIENT_ID", "id"},
                                    {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "s"}});
  ASSERT_FALSE(keyless);
  EXPECT_NE(keyless.error().message.find("BOUNTYBOT_SECRET_KEY"), std::string::npos);
  for (const auto& bad : {std::string(63, 'a'), std::string(64, 'g'), std::string("short")}) {
    const auto r = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_SECRET_KEY", bad}});
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("64 hex digits"), std::string::npos);
    EXPECT_EQ(r.error().message.find(bad), std::string::npos);  // a secret is not echoed
  }
}

TEST(Config, DurationsAndListen) {
  const auto c = load_config({{"BOUNTYBOT_DATABASE_URL", "x"},
                              {"BOUNTYBOT_PLEDGE_TTL", "30s"},
                              {"BOUNTYBOT_VOTE_WINDOW", "2h"},
                              {"BOUNTYBOT_LISTEN", "0.0.0.0:9000"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->pledge_ttl, std::chrono::seconds{30});
  EXPECT_EQ(c->vote_window, std::chrono::hours{2});
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 9000);
}

TEST(Config, ConnectionLimitsAreSettings) {
  const auto d = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->max_connections, 1024);
  EXPECT_EQ(d->read_timeout, std::chrono::seconds{30});
  EXPECT_EQ(d->idle_timeout, std::chrono::seconds{60});
  EXPECT_EQ(d->io_threads, 1);
  const auto c = load_config({{"BOUNTYBOT_DATABASE_URL", "x"},
                              {"BOUNTYBOT_MAX_CONNECTIONS", "64"},
                              {"BOUNTYBOT_READ_TIMEOUT", "5s"},
                              {"BOUNTYBOT_IDLE_TIMEOUT", "2m"},
                              {"BOUNTYBOT_IO_THREADS", "2"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->max_connections, 64);
  EXPECT_EQ(c->read_timeout, std::chrono::seconds{5});
  EXPECT_EQ(c->idle_timeout, std::chrono::minutes{2});
  EXPECT_EQ(c->io_threads, 2);
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_MAX_CONNECTIONS", "0"}}));
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_IO_THREADS", "many"}}));
}

TEST(Config, BodyAndPerAddressLimitsAndTheAdminListenerAreSettings) {
  const auto d = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->max_body_bytes_in_flight, 64u << 20);
  EXPECT_EQ(d->max_connections_per_address, 64);
  EXPECT_FALSE(d->admin_listen);
  const auto c = load_config({{"BOUNTYBOT_DATABASE_URL", "x"},
                              {"BOUNTYBOT_MAX_BODY_BYTES", "26214400"},
                              {"BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT", "104857600"},
                              {"BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS", "8"},
                              {"BOUNTYBOT_ADMIN_LISTEN", "[::1]:9090"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->max_body_bytes, 25u << 20);
  EXPECT_EQ(c->max_body_bytes_in_flight, 100u << 20);
  EXPECT_EQ(c->max_connections_per_address, 8);
  EXPECT_TRUE(c->admin_listen);
  EXPECT_EQ(c->admin_listen_host, "::1");
  EXPECT_EQ(c->admin_listen_port, 9090);
  // SPEC §8's 25 MiB stays the largest body limit; the budget must hold one body of the limit.
  const auto over = load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_MAX_BODY_BYTES", "26214401"}});
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("BOUNTYBOT_MAX_BODY_BYTES"), std::string::npos);
  const auto small = load_config({{"BOUNTYBOT_DATABASE_URL", "x"},
                                  {"BOUNTYBOT_MAX_BODY_BYTES", "2097152"},
                                  {"BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT", "1048576"}});
  ASSERT_FALSE(small);
  EXPECT_NE(small.error().message.find("BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT"), std::string::npos);
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS", "0"}}));
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_ADMIN_LISTEN", "9090"}}));
  // `[::1:9090` once became the host `::`, every interface: an admin listener open to the world.
  for (const char* bad : {"[::1:9090", ":9090", "[]:9090", "127.0.0.1:0", "[::1]x:9090"}) {
    EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_ADMIN_LISTEN", bad}})) << bad;
  }
}

TEST(Config, LabelsMaintainerMinimumAndVotingRulesAreSettings) {
  const auto c = load_config({{"BOUNTYBOT_DATABASE_URL", "x"},
                              {"BOUNTYBOT_ACCEPTED_LABEL", "funded"},
                              {"BOUNTYBOT_GITHUB_MAINTAINER_MIN", "admin"},
                              {"BOUNTYBOT_GITLAB_MAINTAINER_MIN", "50"},
                              {"BOUNTYBOT_VOTE_WEIGHT", "head"},
                              {"BOUNTYBOT_VOTE_SILENCE", "reject"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->accepted_label, "funded");
  EXPECT_EQ(c->bounty_label, "bounty");
  EXPECT_EQ(c->github_maintainer_min, "admin");
  EXPECT_EQ(c->gitlab_maintainer_min, 50);
  EXPECT_EQ(c->vote_weight, "head");
  EXPECT_EQ(c->vote_silence, "reject");
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_GITHUB_MAINTAINER_MIN", "triage"}}));
  EXPECT_FALSE(load_config({{"BOUNTYBOT_DATABASE_URL", "x"}, {"BOUNTYBOT_GITLAB_MAINTAINER_MIN", "20"}}));
}

TEST(Config, EnvFileDoesNotOverrideTheEnvironment) {
  const std::string path = ::testing::TempDir() + "/bountybot.env";
  {
    std::ofstream out(path);
    out << "# comment\n\nexport BOUNTYBOT_DATABASE_URL=\"postgresql:///file\"\nBOUNTYBOT_ADMIN_TOKEN=from-file\n";
  }
  std::map<std::string, std::string> vars{{"BOUNTYBOT_ADMIN_TOKEN", "from-env"}};
  read_env_file(path, vars);
  EXPECT_EQ(vars["BOUNTYBOT_DATABASE_URL"], "postgresql:///file");
  EXPECT_EQ(vars["BOUNTYBOT_ADMIN_TOKEN"], "from-env");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace bountybot::app
