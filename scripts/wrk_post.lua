-- wrk script for `make bench`: post consultation forms that scripts/bench.py
-- fetched beforehand, each from a fresh visitor (the form's hidden fields; the
-- page sets no cookie), with the headers a browser sends from the site's own page.
--
--   wrk ... -s scripts/wrk_post.lua http://127.0.0.1:PORT/consultation/ -- FORMS_FILE
--
-- FORMS_FILE holds one form per line: the urlencoded body. Besides wrk_report.lua's lines it prints how many posts were sent and
-- the replies by status:
--
--   bench-posts sent=N 302=N ...

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")
local report = done

local threads = {}

function setup(thread)
   thread:set("offset", #threads)
   threads[#threads + 1] = thread
end

local forms = {}
sent = 0
replies = {}

function init(args)
   local path = wrk.path
   for line in io.lines(args[1]) do
      forms[#forms + 1] = wrk.format("POST", path, {
         ["Content-Type"] = "application/x-www-form-urlencoded",
         ["Accept-Encoding"] = "gzip",
         ["Origin"] = wrk.scheme .. "://" .. wrk.headers["Host"],
         ["Sec-Fetch-Site"] = "same-origin",
      }, line)
   end
   assert(#forms > 0, "no forms in " .. args[1])
end

function request()
   -- Threads start at different forms, then go round them all.
   local index = (offset * 7919 + sent) % #forms + 1
   sent = sent + 1
   return forms[index]
end

function response(status, headers, body)
   replies[status] = (replies[status] or 0) + 1
end

function done(summary, latency, requests)
   report(summary, latency, requests)
   local total, by_status = 0, {}
   for _, thread in ipairs(threads) do
      total = total + thread:get("sent")
      for status, count in pairs(thread:get("replies")) do
         by_status[status] = (by_status[status] or 0) + count
      end
   end
   local parts = { string.format("sent=%d", total) }
   for status, count in pairs(by_status) do
      parts[#parts + 1] = string.format("%d=%d", status, count)
   end
   io.write("bench-posts " .. table.concat(parts, " ") .. "\n")
end
