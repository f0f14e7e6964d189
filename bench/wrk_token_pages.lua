-- wrk script for pages under cart tokens: GET /s/<token><PATH>, the token
-- rotating over TOKENS (one request per token in turn, threads interleaved).
-- Usage: wrk ... -s bench/wrk_token_pages.lua URL -- THREADS PATH TOKENS

local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local requests_by_token = {}
local position, stride

function init(args)
  stride = tonumber(args[1])
  local headers = {["Sec-Fetch-Site"] = "same-origin"}
  for token in string.gmatch(args[3], "[^,]+") do
    requests_by_token[#requests_by_token + 1] = wrk.format(
      "GET", "/s/" .. token .. args[2], headers)
  end
  position = thread_id
end

function request()
  local req = requests_by_token[position % #requests_by_token + 1]
  position = position + stride
  return req
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "KEDAI-BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d " ..
    "max_us=%d status_errors=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
