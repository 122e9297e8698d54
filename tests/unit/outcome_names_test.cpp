// The stored names of the closed types the outbox and the inbox write: each comes back as itself.
#include "bot/outbox.hpp"
#include "jobs/inbox_worker.hpp"

#include <gtest/gtest.h>

namespace bountybot {
namespace {

TEST(OutboxKind, EveryStoredNameComesBackAndOthersAreUnknown) {
  for (auto k : {bot::outbox_kind::status, bot::outbox_kind::reply, bot::outbox_kind::vote, bot::outbox_kind::add_label,
                 bot::outbox_kind::remove_label, bot::outbox_kind::reaction}) {
    EXPECT_EQ(bot::outbox_kind_from(to_string(k)), k) << to_string(k);
  }
  EXPECT_EQ(bot::outbox_kind_from("status"), bot::outbox_kind::status);
  EXPECT_FALSE(bot::outbox_kind_from("Status"));
  EXPECT_FALSE(bot::outbox_kind_from(""));
  EXPECT_FALSE(bot::outbox_kind_from("edit_title"));
}

TEST(ReactionKind, EveryStoredNameComesBack) {
  EXPECT_EQ(bot::reaction_kind_from("done"), bot::reaction_kind::done);
  EXPECT_EQ(bot::reaction_kind_from("refused"), bot::reaction_kind::refused);
  EXPECT_EQ(to_string(bot::reaction_kind::done), "done");
  EXPECT_EQ(to_string(bot::reaction_kind::refused), "refused");
  EXPECT_FALSE(bot::reaction_kind_from("+1"));
}

TEST(DeliveryOutcome, TheStoredNames) {
  EXPECT_EQ(to_string(jobs::delivery_outcome::done), "done");
  EXPECT_EQ(to_string(jobs::delivery_outcome::ignored), "ignored");
  EXPECT_EQ(to_string(jobs::delivery_outcome::duplicate), "duplicate");
  EXPECT_EQ(to_string(jobs::delivery_outcome::failed), "failed");
}

}  // namespace
}  // namespace bountybot
