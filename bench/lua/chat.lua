-- POST /v1/chat/completions with a fixed key; prints one RESULT line wrk's driver parses.
-- args: key model stream(true|false) [keys N: pick a random bench key among N, see run.sh] [think ms]
--       [api: chat (default), or responses: the same prompt to POST /v1/responses, OpenAI's Responses API]
-- think: each connection waits a random time (exponential, this mean) before each request, so the connections'
-- requests arrive spread out (near Poisson) at about connections / (think + answer time) a second, instead of in
-- step: with a fixed upstream latency and no think time, wrk's connections send and are answered together, and each
-- request waits for the proxy to handle the others of its burst
local key, model, stream, spread, think, api
init = function(args)
  key = args[1]
  model = args[2] or "claude-4-5-haiku"
  stream = args[3] == "true"
  spread = tonumber(args[4] or "0")
  think = tonumber(args[5] or "0")
  api = args[6] or "chat"
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

local body_for = function()
  if api == "responses" then
    return '{"model":"' .. model .. '","stream":' .. tostring(stream)
      .. ',"input":"Say something short about benchmarks."}'
  end
  return '{"model":"' .. model .. '","stream":' .. tostring(stream)
    .. ',"messages":[{"role":"user","content":"Say something short about benchmarks."}]}'
end

delay = function()
  if think > 0 then
    return math.floor(-think * math.log(1 - math.random()) + 0.5)
  end
  return 0
end

request = function()
  local k = key
  if spread > 0 then
    -- keys inserted by run.sh: tg-bench + 38-digit zero-padded index
    k = string.format("tg-bench%038d", math.random(1, spread))
  end
  return wrk.format("POST", api == "responses" and "/v1/responses" or "/v1/chat/completions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. k,
  }, body_for())
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50_us=%d p99_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
