-- wrk script for add-to-cart through the API:
-- POST /api/store/v1/carts/<token>/lines {"variant_id": <id>, "quantity": 1}
-- Same arguments and pair rotation as wrk_add_to_cart.lua:
--   wrk ... -s bench/wrk_api_add_to_cart.lua URL -- THREADS OFFSET TOKENS VARIANTS

local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local function split(text)
  local out = {}
  for item in string.gmatch(text, "[^,]+") do
    out[#out + 1] = item
  end
  return out
end

local requests_by_pair = {}
local position, stride

function init(args)
  stride = tonumber(args[1])
  local tokens, variants = split(args[3]), split(args[4])
  local headers = {["Content-Type"] = "application/json"}
  for v = 1, #variants do
    for t = 1, #tokens do
      requests_by_pair[#requests_by_pair + 1] = wrk.format(
        "POST", "/api/store/v1/carts/" .. tokens[t] .. "/lines", headers,
        '{"variant_id": ' .. variants[v] .. ', "quantity": 1}')
    end
  end
  position = tonumber(args[2]) + thread_id
end

function request()
  local req = requests_by_pair[position % #requests_by_pair + 1]
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
