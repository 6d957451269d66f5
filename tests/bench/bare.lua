-- wrk script: the bare one-row update, spread over the same number of rows as candidates.
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("POST", "/bench/bare/" .. ((counter % 50) + 1) .. "/")
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "errors": %d, "non2xx": %d, ' ..
    '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
