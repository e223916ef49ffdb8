package manifest

import (
	"fmt"
	"regexp"
	"sort"
)

// How a process is reached. The app's default process (the first, in
// ProcessNames order, with an HTTP port) is public: it takes what no
// listener rule matches, as web did before there were rules. Any other
// process is private unless it asks for a route (path or host) or says
// public = true: most second processes of a real app (redis, an api behind
// a web front, a worker's admin port) are reached only by the app's own
// containers, and opening them to the internet by default is the mistake
// the book's VPC chapter warns about.

// nonHTTPPorts are the well-known ports of servers that don't speak HTTP.
// mvi decides "is this HTTP" by this list rather than by a protocol key:
// the port is already written, and a load balancer can only front HTTP.
var nonHTTPPorts = map[int]string{
	21: "FTP", 22: "SSH", 25: "SMTP", 53: "DNS", 110: "POP3", 143: "IMAP", 389: "LDAP",
	1433: "SQL Server", 1521: "Oracle", 2049: "NFS", 2181: "ZooKeeper", 3306: "MySQL",
	4222: "NATS", 5432: "Postgres", 5672: "AMQP (RabbitMQ)", 6379: "Redis", 9042: "Cassandra",
	9092: "Kafka", 11211: "Memcached", 27017: "MongoDB",
}

// NonHTTP names the protocol a well-known non-HTTP port speaks, or "".
func NonHTTP(port int) string { return nonHTTPPorts[port] }

// DefaultProcess is the process the load balancer's default action sends
// to, or "" when no process is public by default.
func (m *Manifest) DefaultProcess() string {
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		if p != nil && p.Port != 0 && NonHTTP(p.Port) == "" && (p.Public == nil || *p.Public) && p.Path == "" && p.Host == "" {
			return name
		}
	}
	return ""
}

// IsPublic reports whether the load balancer routes the internet to name.
func (m *Manifest) IsPublic(name string) bool {
	p := m.Processes[name]
	switch {
	case p == nil || p.Port == 0:
		return false
	case p.Public != nil:
		return *p.Public
	}
	return p.Path != "" || p.Host != "" || name == m.DefaultProcess()
}

// Routes are the public processes other than the default one, each
// reached through a listener rule, sorted by name: the order mvi gives
// the rules their priorities in.
func (m *Manifest) Routes() []string {
	var out []string
	def := m.DefaultProcess()
	for _, name := range m.ProcessNames() {
		if name != def && m.IsPublic(name) {
			out = append(out, name)
		}
	}
	sort.Strings(out) // ProcessNames puts web first; priorities follow plain name order
	return out
}

// ALB's rule conditions (Elastic Load Balancing, "Listener rules"): a path
// pattern is up to 128 characters of A–Z a–z 0–9 _ - . $ / ~ " ' @ : + &
// and the wildcards * and ?; a host is up to 128 of A–Z a–z 0–9 - . * ?,
// with at least one dot and only letters after the last.
var (
	albPathRe = regexp.MustCompile(`^/[A-Za-z0-9_\-.$/~"'@:+&*?]*$`)
	albHostRe = regexp.MustCompile(`^([A-Za-z0-9*?-]+\.)+[A-Za-z]+$`)
)

// checkRoutes keeps the load balancer's one listener unambiguous: every
// public process but the default one needs a rule, no two rules match the
// same requests, and only HTTP is public.
func (d *decoder) checkRoutes(m *Manifest) {
	def := m.DefaultProcess()
	at := func(name string, keys ...string) pos {
		for _, k := range keys {
			if n := d.nodes[joinPath([]string{"processes", name, k})]; n != nil {
				return n.at
			}
		}
		if n := d.nodes[joinPath([]string{"processes", name})]; n != nil {
			return n.at
		}
		return pos{1, 1}
	}
	seen := map[string]string{}
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		if p == nil {
			continue
		}
		path := []string{"processes", name}
		routed := p.Path != "" || p.Host != ""
		switch {
		case p.Port == 0 && (routed || (p.Public != nil && *p.Public)):
			d.c.add(at(name, "public", "path", "host"), path, "give it the port its server listens on, e.g. port = 8080, or remove public, path and host",
				"%s has no port, so the load balancer has nothing to route to", name)
			continue
		case p.Public != nil && !*p.Public && routed:
			d.c.add(at(name, "path", "host"), path, "remove path and host, or remove public = false",
				"%s is private (public = false) but has a route: the load balancer can't send the internet to it", name)
			continue
		case !m.IsPublic(name):
			continue
		}
		if proto := NonHTTP(p.Port); proto != "" {
			d.c.add(at(name, "public", "port"), path, "write public = false: other processes reach it as "+name+":"+fmt.Sprint(p.Port)+", and the internet doesn't",
				"port %d speaks %s, not HTTP: the load balancer can't serve it publicly", p.Port, proto)
			continue
		}
		if name == def {
			continue
		}
		if def == "" {
			d.c.add(at(name, "path", "host"), path, "remove path and host from the process that should take every other request",
				"every public process has a route, so the load balancer has no process for the requests no rule matches")
			continue
		}
		if !routed {
			fix := fmt.Sprintf(`give it a route, e.g. path = "/%s/*" or host = "%s.example.com", or write public = false to keep it to the app`, name, name)
			d.c.add(at(name, "public", "port"), path, fix,
				"%s and %s would share the load balancer's listener on port 80 with no rule to tell their requests apart", def, name)
			continue
		}
		key := p.Host + " " + p.Path
		if other, ok := seen[key]; ok {
			d.c.add(at(name, "path", "host"), path, "give one of them a different path or host",
				"%s and %s have the same route, so the load balancer would send every request to one of them", other, name)
			continue
		}
		seen[key] = name
	}
}
