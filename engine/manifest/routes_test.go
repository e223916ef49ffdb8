package manifest

import (
	"slices"
	"testing"
)

// The default process takes what no rule matches; a routed one is public;
// every other port stays inside the app.
func TestPublicDefaults(t *testing.T) {
	m, err := Parse("mvi.toml", []byte(`name = "shop"
[processes.web]
image = "nginx"
port = 80
[processes.api]
image = "nginx"
port = 8000
path = "/api/*"
[processes.admin]
image = "nginx"
port = 8080
host = "admin.example.com"
[processes.redis]
image = "redis:7"
port = 6379
[processes.cache]
image = "nginx"
port = 8081
[processes.worker]
image = "busybox"
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.DefaultProcess(); got != "web" {
		t.Errorf("default process %q, want web", got)
	}
	for name, want := range map[string]bool{"web": true, "api": true, "admin": true, "redis": false, "cache": false, "worker": false} {
		if got := m.IsPublic(name); got != want {
			t.Errorf("IsPublic(%s) = %v, want %v", name, got, want)
		}
	}
	if got := m.Routes(); !slices.Equal(got, []string{"admin", "api"}) {
		t.Errorf("routes %v, want [admin api] (name order: the priorities' order)", got)
	}
}

// A redis alone is not the default process: it speaks no HTTP.
func TestNonHTTPIsNeverDefault(t *testing.T) {
	m, err := Parse("mvi.toml", []byte("name = \"kv\"\n[processes.redis]\nimage = \"redis:7\"\nport = 6379\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.DefaultProcess() != "" || m.IsPublic("redis") {
		t.Errorf("redis on 6379 is public: default %q", m.DefaultProcess())
	}
}

func TestPublicMustBeBool(t *testing.T) {
	_, err := Parse("mvi.toml", []byte("name = \"a\"\n[processes.web]\nimage = \"nginx\"\nport = 80\npublic = \"no\"\n"))
	es, ok := AsErrors(err)
	if !ok || len(es) != 1 || es[0].Line != 5 {
		t.Fatalf("want one error on line 5, got %v", err)
	}
}
