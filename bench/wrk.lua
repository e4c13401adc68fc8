-- SPDX-License-Identifier: ISC
-- bench/wrk.lua: the request bench/run.sh has wrk send, from the
-- environment: BENCH_CLOSE=1 adds "Connection: close", BENCH_BODY=N
-- makes it a POST of N bytes.  At the end it prints, for run.sh to read,
-- the counts ("BENCH summary") and the latency percentiles ("BENCH pct").

local body = tonumber(os.getenv("BENCH_BODY") or "0") or 0

if os.getenv("BENCH_CLOSE") == "1" then
	wrk.headers["Connection"] = "close"
end
if body > 0 then
	wrk.method = "POST"
	wrk.body = string.rep("x", body)
	wrk.headers["Content-Type"] = "application/octet-stream"
end

-- a percentile curve dense in the tail, for the latency plot
local pcts = { 1, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5,
	95, 96, 97, 98, 99, 99.5, 99.9, 99.99 }

done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("BENCH summary requests %d duration_us %d " ..
	    "connect %d read %d write %d status %d timeout %d\n",
	    summary.requests, summary.duration, e.connect, e.read, e.write,
	    e.status, e.timeout))
	for _, p in ipairs(pcts) do
		io.write(string.format("BENCH pct %g %d\n", p,
		    latency:percentile(p)))
	end
	-- wrk's percentile(100) is 0: the maximum is its own field
	io.write(string.format("BENCH pct 100 %d\n", latency.max))
end
