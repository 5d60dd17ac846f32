-- wrk script for `make bench`: after a run, print its totals and its latency
-- distribution in a form scripts/bench.py parses, so that several short runs
-- of one target can be summed and percentiles taken of the sum.
--
--   bench-summary requests=N duration_us=N connect=N read=N write=N status=N timeout=N
--   bench-quantiles <us> <us> ... (the 0.1th, 0.2th, ... 100th percentiles)
--
-- "status" is what wrk prints as "Non-2xx or 3xx responses". Debian's wrk 4.1
-- gives Lua no raw histogram, so the distribution travels as 1000 quantiles,
-- each standing for a thousandth of the run's requests.

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      "bench-summary requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status, errors.timeout
   ))
   local quantiles = {}
   if summary.requests > 0 then
      for i = 1, 999 do
         quantiles[#quantiles + 1] = string.format("%d", latency:percentile(i / 10))
      end
      -- wrk's percentile(100) overshoots its last rank and answers 0.
      quantiles[#quantiles + 1] = string.format("%d", latency.max)
   end
   io.write("bench-quantiles " .. table.concat(quantiles, " ") .. "\n")
end
