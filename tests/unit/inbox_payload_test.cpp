// How the inbox stores a delivery body: an lz4 block and the body's size.
#include "tests/support/payloads.hpp"
#include "webhooks/inbox.hpp"

#include <gtest/gtest.h>

#include <random>

namespace bountybot {
namespace {

TEST(InboxPayload, ARealDeliveryComesBackByteForByteAndSmaller) {
  const auto body = testing::github_comment("/pledge $50");
  const auto stored = webhooks::compress_payload(body);
  EXPECT_EQ(stored.bytes, static_cast<std::int64_t>(body.size()));
  EXPECT_LT(stored.lz4.size(), body.size() / 2);
  EXPECT_EQ(webhooks::decompress_payload(stored.lz4, stored.bytes), body);
}

TEST(InboxPayload, EmptyAndIncompressibleBodiesComeBack) {
  std::string noise(1 << 20, '\0');
  std::mt19937 rng(7);
  for (auto& c : noise) c = static_cast<char>(rng());
  for (const std::string& body : {std::string(), noise}) {
    const auto stored = webhooks::compress_payload(body);
    EXPECT_EQ(webhooks::decompress_payload(stored.lz4, stored.bytes), body);
  }
}

TEST(InboxPayload, ACorruptBlockOrAWrongSizeIsAnErrorNotABody) {
  const auto body = testing::github_comment("/pledge $50");
  const auto stored = webhooks::compress_payload(body);
  EXPECT_THROW(webhooks::decompress_payload(stored.lz4, stored.bytes + 1), std::runtime_error);
  EXPECT_THROW(webhooks::decompress_payload(stored.lz4, stored.bytes - 1), std::runtime_error);
  EXPECT_THROW(webhooks::decompress_payload(stored.lz4, -1), std::runtime_error);
  EXPECT_THROW(webhooks::decompress_payload(stored.lz4.substr(0, stored.lz4.size() / 2), stored.bytes), std::runtime_error);
  EXPECT_THROW(webhooks::decompress_payload(std::string(64, '\xff'), stored.bytes), std::runtime_error);
}

}  // namespace
}  // namespace bountybot
