-- wrk: windows 1..5 calling the next person, as the admin (token in env TOKEN).
local token = os.getenv("TOKEN")
local n = 0
request = function()
  n = n + 1
  local window = (n % 5) + 1
  return wrk.format("POST", "/api/windows/" .. window .. "/call", {["Authorization"] = "Bearer " .. token}, "")
end
