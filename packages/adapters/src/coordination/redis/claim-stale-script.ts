/**
 * Redelivery in one atomic step: XAUTOCLAIM moves entries idle for at least `minIdleMs` to this
 * consumer (bumping their delivery counters), then XPENDING reads each counter.
 *
 * KEYS[1]: the stream. ARGV: group, consumer, minIdleMs, count
 * Returns {{id, {field, value, ...}, deliveries}, ...} in id order
 */
export const CLAIM_STALE_LUA = `
local want = tonumber(ARGV[4])
local claimed = {}
local cursor = '0-0'
repeat
  local reply = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', want - #claimed)
  cursor = reply[1]
  for _, entry in ipairs(reply[2]) do
    if entry[2] then
      local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1, ARGV[2])
      claimed[#claimed + 1] = {entry[1], entry[2], pending[1][4]}
    end
  end
until cursor == '0-0' or #claimed >= want
return claimed
`;
