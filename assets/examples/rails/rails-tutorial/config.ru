# The web process: the shop's page, its job queue and its health check.
require "json"
require "pg"
require "redis"

DB = PG.connect(ENV.fetch("DATABASE_URL"))
DB.exec("CREATE TABLE IF NOT EXISTS jobs (id serial PRIMARY KEY, body text, done_at timestamptz)")
QUEUE = ENV["REDIS_URL"] && Redis.new(url: ENV["REDIS_URL"])

run lambda { |env|
  req = Rack::Request.new(env)
  case [req.request_method, req.path_info]
  when ["GET", "/up"]
    [200, {"content-type" => "text/plain"}, ["ok\n"]]
  when ["POST", "/jobs"]
    id = DB.exec_params("INSERT INTO jobs (body) VALUES ($1) RETURNING id", [req.body.read]).getvalue(0, 0)
    QUEUE&.lpush("jobs", id)
    [202, {"content-type" => "text/plain"}, ["queued #{id}\n"]]
  else
    done = DB.exec("SELECT count(*) FROM jobs WHERE done_at IS NOT NULL").getvalue(0, 0)
    [200, {"content-type" => "text/html"}, ["<h1>Shop</h1><p>#{done} jobs done</p>\n"]]
  end
}
