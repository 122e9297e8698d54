-- wrk script: POST one signed GitHub issue_comment delivery per request, each with its own
-- X-GitHub-Delivery id (so every request is a new delivery, stored once). BENCH_DELAY_MS > 0
-- paces each connection, which fixes the total rate at connections * 1000 / delay.
local body = io.open(os.getenv("BENCH_BODY_FILE")):read("*a")
local signature = os.getenv("BENCH_SIGNATURE")
local run = os.getenv("BENCH_RUN") or "run"
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/webhooks/github", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "issue_comment",
    ["X-GitHub-Delivery"] = string.format("%s-%d-%d", run, tid or 0, n),
    ["X-Hub-Signature-256"] = signature,
  }, body)
end

if pause > 0 then
  function delay() return pause end
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
