-- wrk: kiosks taking tickets across the demo categories.
local categories = {"A", "B", "C", "D"}
local n = 0
request = function()
  n = n + 1
  local body = '{"category":"' .. categories[(n % #categories) + 1] .. '"}'
  return wrk.format("POST", "/api/tickets", {["Content-Type"] = "application/json"}, body)
end
