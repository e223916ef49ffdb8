# The worker process: takes job ids off Redis and marks them done in Postgres.
require "pg"
require "redis"

$stdout.sync = true
db = PG.connect(ENV.fetch("DATABASE_URL"))
redis = Redis.new(url: ENV.fetch("REDIS_URL"))
puts "worker: waiting for jobs"
loop do
  _, id = redis.brpop("jobs", timeout: 5)
  next unless id
  db.exec_params("UPDATE jobs SET done_at = now() WHERE id = $1", [id])
  puts "worker: job #{id} done"
end
