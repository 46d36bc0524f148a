/**
 * The sliding-window check in one atomic step on Redis' own clock (`TIME`), so replicas with
 * skewed clocks still agree. The arithmetic mirrors `../sliding-window.ts` line for line.
 *
 * KEYS[1]: the key's hash {w = windowMs, s = current window start, p = previous count, c = current count}
 * ARGV: windowMs, cost, limit (a negative limit records without checking)
 * Returns {allowed (1 or 0), remaining, retryAfterMs}
 */
export const RATE_LIMIT_LUA = `
local windowMs = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local start = now - (now % windowMs)
local prev, curr = 0, 0
local saved = redis.call('HMGET', KEYS[1], 'w', 's', 'p', 'c')
if tonumber(saved[1]) == windowMs then
  local savedStart = tonumber(saved[2])
  if savedStart == start then
    prev, curr = tonumber(saved[3]), tonumber(saved[4])
  elseif savedStart == start - windowMs then
    prev = tonumber(saved[4])
  end
end
local remaining = 0
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
    return {0, 0, math.max(1, math.ceil(freeAt - now))}
  end
  remaining = math.max(0, math.floor(limit - used - cost))
end
redis.call('HSET', KEYS[1], 'w', windowMs, 's', start, 'p', prev, 'c', curr + cost)
redis.call('PEXPIRE', KEYS[1], start + 2 * windowMs - now)
return {1, remaining, 0}
`;
