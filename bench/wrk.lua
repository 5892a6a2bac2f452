-- The one wrk script of the benchmarks, set up through the environment by
-- bench/bench.py:
--   BENCH_METHOD   GET (default) or POST
--   BENCH_PATHS    a file of request paths, one a line, taken in turn
--   BENCH_BODIES   a file of request bodies, one a line, taken in turn
--                  (with the paths, when both are given)
--   BENCH_HEADERS  a file of "Name: value" lines sent with every request
--                  (the session cookie, X-CSRF-Token, Content-Type)
-- done() prints one JSON line with the counts and latency percentiles.

local function lines(path)
	local t = {}
	if path == nil or path == "" then
		return t
	end
	for l in io.lines(path) do
		if l ~= "" then
			t[#t + 1] = l
		end
	end
	return t
end

local method = os.getenv("BENCH_METHOD") or "GET"
local paths = lines(os.getenv("BENCH_PATHS"))
local bodies = lines(os.getenv("BENCH_BODIES"))
local headers = {}
for _, l in ipairs(lines(os.getenv("BENCH_HEADERS"))) do
	local k, v = l:match("^([^:]+):%s*(.*)$")
	if k then
		headers[k] = v
	end
end
if #paths == 0 then
	paths = { "/" }
end

local counter = 0
local step = 1

function setup(thread)
	-- Threads start at different places in the lists.
	counter = counter + 1
	thread:set("offset", counter * 7919)
end

function init(args)
	counter = tonumber(offset or 0) or 0
end

function request()
	counter = counter + 1
	local path = paths[counter % #paths + 1]
	local body = nil
	if #bodies > 0 then
		body = bodies[counter % #bodies + 1]
	end
	return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
	    '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
	    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
	    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
	    summary.requests, summary.duration, summary.bytes,
	    e.connect, e.read, e.write, e.status, e.timeout,
	    latency.mean, latency:percentile(50), latency:percentile(90),
	    latency:percentile(99), latency.max))
end
