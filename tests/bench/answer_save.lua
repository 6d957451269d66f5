-- wrk script: every request saves one answer of one of the prepared attempts.
-- Plan lines: "<token> <attempt id> <ids of position 1>;<ids of position 2>;..." (ids by commas).
-- Each wrk thread owns a slice of the candidates, so a candidate's sequence numbers only grow.
local candidates = {}
local counter = 0
local thread_index = 0

function setup(thread)
  thread:set("index", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS"))
  local i = 0
  for line in io.lines(os.getenv("BENCH_PLAN")) do
    local token, attempt, rest = line:match("(%S+) (%S+) (%S+)")
    if i % count == index then
      local positions = {}
      for ids in rest:gmatch("[^;]+") do
        local options = {}
        for id in ids:gmatch("[^,]+") do table.insert(options, id) end
        table.insert(positions, options)
      end
      table.insert(candidates, {token = token, attempt = attempt, positions = positions})
    end
    i = i + 1
  end
end

function request()
  counter = counter + 1
  local c = candidates[(counter % #candidates) + 1]
  local position = (counter % #c.positions) + 1
  local options = c.positions[position]
  local option = options[(counter % #options) + 1]
  local body = '{"answer": [' .. option .. '], "seq": ' .. counter .. '}'
  return wrk.format("PUT", "/api/v1/attempts/" .. c.attempt .. "/responses/" .. position .. "/",
    {["Authorization"] = "Token " .. c.token, ["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "errors": %d, ' ..
    '"non2xx": %d, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
