-- wrk script: POST one signed GitHub issue_comment delivery per request, each with its own
-- X-GitHub-Delivery id (so every request is a new delivery, stored once).
-- BENCH_RATE > 0 paces the load at that many requests per second in total: each of the
-- BENCH_THREADS threads (wrk -t) sends on a schedule of its own, one request every
-- BENCH_THREADS / BENCH_RATE seconds, on whichever of its connections is free. wrk has no
-- fixed-rate mode (that is wrk2), so the schedule is kept here with the monotonic clock
-- (LuaJIT's FFI). A connection that waits for an answer sends nothing; a thread that fell behind
-- its schedule (every connection waiting) sends at once until it caught up.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec* ts);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local body = io.open(os.getenv("BENCH_BODY_FILE")):read("*a")
local signature = os.getenv("BENCH_SIGNATURE")
local run = os.getenv("BENCH_RUN") or "run"
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
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

if rate > 0 then
  local interval = tonumber(os.getenv("BENCH_THREADS")) / rate * 1000  -- ms between this thread's sends
  local next_send = nil
  -- Called when a connection got its answer: the milliseconds until its next request, which
  -- takes the thread's next free slot of the schedule.
  function delay()
    local now = now_ms()
    next_send = next_send or now
    local slot = next_send
    next_send = next_send + interval
    return math.max(0, math.floor(slot - now + 0.5))
  end
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
