#pragma once
// A browser, for end-to-end tests of the pages without one: a cookie jar for one site, redirects
// followed one at a time, forms posted with their CSRF token, and sign-in through a fake provider.
#include "tests/support/fake_platform.hpp"
#include "tests/support/service_process.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace bountybot::testing {

struct browser {
  std::map<std::string, std::string> jar;

  void take(const adapters::http_response& r) {
    std::stringstream lines(r.header("set-cookie"));
    std::string line;
    while (std::getline(lines, line)) {
      const auto eq = line.find('='), semi = line.find(';');
      const auto name = line.substr(0, eq), value = line.substr(eq + 1, semi - eq - 1);
      if (line.find("Max-Age=0") != std::string::npos) {
        jar.erase(name);
      } else {
        jar[name] = value;
      }
    }
  }
  std::string cookie_header() const {
    std::string out;
    for (const auto& [k, v] : jar) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
  }
  adapters::http_response get(const service_process& s, const std::string& target) {
    auto r = s.request("GET", target, "", {{"Cookie", cookie_header()}});
    take(r);
    return r;
  }
  adapters::http_response post(const service_process& s, const std::string& target, const std::string& form) {
    auto r = s.request("POST", target, form, {{"Cookie", cookie_header()}, {"Content-Type", "application/x-www-form-urlencoded"}});
    take(r);
    return r;
  }
};

/// The value of hidden input `name` in a page.
inline std::string hidden_input(const std::string& html, const std::string& name) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]+)\""))) << name << " in " << html;
  return m.size() > 1 ? m[1].str() : "";
}

/// Opens `/fund/{pledge}` in `b` and posts its card form (with the page's CSRF cookie and token):
/// the answer (303 to Stripe). `request_id` replaces the page's one-time id when given (a second
/// click on an earlier page); `used_request_id`, when given, receives the id sent.
inline adapters::http_response submit_funding_form(browser& b, const service_process& s, const std::string& pledge,
                                                   const std::string& request_id = "", std::string* used_request_id = nullptr) {
  const auto page = b.get(s, "/fund/" + pledge);
  EXPECT_EQ(page.status, 200u) << page.body;
  const auto id = request_id.empty() ? hidden_input(page.body, "request_id") : request_id;
  if (used_request_id) *used_request_id = id;
  return b.post(s, "/fund/" + pledge + "/checkout", "csrf=" + hidden_input(page.body, "csrf") + "&request_id=" + id);
}

/// Follows a provider's authorize URL (the fake approves at once): the callback target on the
/// service, cut from `public_url`.
inline std::string through_provider(const fake_platform& provider, const std::string& authorize_url,
                                    const std::string& public_url) {
  const auto base = provider.base_url();
  EXPECT_TRUE(authorize_url.starts_with(base)) << authorize_url;
  const adapters::http_client client(base);
  const auto r = client.request("GET", authorize_url.substr(base.size()), "", {});
  EXPECT_EQ(r.status, 302u);
  const auto back = r.header("location");
  EXPECT_TRUE(back.starts_with(public_url)) << back;
  return back.substr(public_url.size());
}

/// Signs `b` in with `platform` through `provider`; the callback's answer (303 on success).
inline adapters::http_response sign_in(browser& b, const service_process& s, const fake_platform& provider,
                                       const std::string& platform, const std::string& public_url) {
  const auto start = b.get(s, "/login/" + platform);
  EXPECT_EQ(start.status, 302u) << start.body;
  return b.get(s, through_provider(provider, start.header("location"), public_url));
}

}  // namespace bountybot::testing
