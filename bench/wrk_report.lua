-- wrk script for plain GETs: adds the p95 that wrk's --latency omits.
-- Usage: wrk -t2 -c16 -d10s --latency -s bench/wrk_report.lua URL
-- (no request() function, so wrk keeps sending its static request.)

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "KEDAI-BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d " ..
    "max_us=%d status_errors=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
