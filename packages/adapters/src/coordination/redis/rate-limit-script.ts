/**
 * The sliding-window check of one or more windows in one atomic step on Redis' own clock (`TIME`),
 * so replicas with skewed clocks still agree, all or nothing: every window's cost is counted only
 * if each fits. The arithmetic mirrors `../sliding-window.ts` line for line.
 *
 * KEYS[i]: window i's hash {w = windowMs, s = current window start, p = previous count, c = current count}
 * ARGV: windowMs, cost, limit for each window in turn (a negative limit records without checking)
 * Returns {allowed (1 when every window fit and all were counted), then for each window:
 *          fits (1 or 0), remaining, retryAfterMs}
 */
export const RATE_LIMIT_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local out = {1}
local windows = {}
for i = 1, #KEYS do
  local windowMs = tonumber(ARGV[3 * i - 2])
  local cost = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  local start = now - (now % windowMs)
  local prev, curr = 0, 0
  local saved = redis.call('HMGET', KEYS[i], 'w', 's', 'p', 'c')
  if tonumber(saved[1]) == windowMs then
    local savedStart = tonumber(saved[2])
    if savedStart == start then
      prev, curr = tonumber(saved[3]), tonumber(saved[4])
    elseif savedStart == start - windowMs then
      prev = tonumber(saved[4])
    end
  end
  windows[i] = {windowMs, start, prev, curr + cost}
  local fits, remaining, retryAfterMs = 1, 0, 0
  if limit >= 0 then
    local used = prev * (1 - (now - start) / windowMs) + curr
    if used + cost > limit then
      local freeAt
      if cost > limit then
        freeAt = start + 2 * windowMs
      elseif curr + cost <= limit then
        freeAt = start + windowMs * (1 - (limit - curr - cost) / prev)
      else
        freeAt = start + windowMs + windowMs * math.max(0, 1 - (limit - cost) / curr)
      end
      fits, retryAfterMs = 0, math.max(1, math.ceil(freeAt - now))
      out[1] = 0
    else
      remaining = math.max(0, math.floor(limit - used - cost))
    end
  end
  out[#out + 1] = fits
  out[#out + 1] = remaining
  out[#out + 1] = retryAfterMs
end
if out[1] == 1 then
  for i = 1, #KEYS do
    local w = windows[i]
    redis.call('HSET', KEYS[i], 'w', w[1], 's', w[2], 'p', w[3], 'c', w[4])
    redis.call('PEXPIRE', KEYS[i], w[2] + 2 * w[1] - now)
  end
end
return out
`;
