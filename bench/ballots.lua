-- wrk script for bench/forum: each request casts a ballot as the next voter in tokens.txt
-- (a signed-in session each), with the double-submit CSRF token as cookie and field.
-- Environment: TOKENS (file), VOTE (path of the open vote).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local vote = os.getenv("VOTE")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  index = offset
  step = 2  -- one offset per wrk thread (-t2), so that no two threads share a voter
end

function request()
  local token = tokens[((index - 1) % #tokens) + 1]
  index = index + step
  local option = "o" .. (index % 8)
  return wrk.format("POST", vote .. "/ballot", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "coproduce_session=" .. token .. "; coproduce_csrf=bench",
  }, "_csrf=bench&" .. option .. "=yes")
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors %d\n", summary.requests,
                         summary.errors.status + summary.errors.connect + summary.errors.read +
                         summary.errors.write + summary.errors.timeout))
end
