package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// want is one expected mistake: where, which key, and a piece of the message.
type want struct {
	at   string // "line:col"
	path string
	msg  string
}

// Each broken manifest in testdata is reported with every mistake it holds,
// each at the exact key or value a person has to change.
func TestBrokenManifests(t *testing.T) {
	cases := []struct {
		file string
		want []want
	}{
		{"syntax.toml", []want{{"2:9", "processes.web.image", "invalid TOML: unexpected character U+0068 'h' at start of value"}}},
		{"duplicate_key.toml", []want{{"4:1", "processes.web.port", "defined twice, on line 3 and line 4"}}},
		{"duplicate_table.toml", []want{{"4:2", "processes.web", "table defined twice, on line 1 and line 4"}}},
		// A misspelt [processes] is one mistake: it is not also "no processes".
		{"unknown_key.toml", []want{{"1:2", "procesess", `unknown key; did you mean "processes"?`}}},
		{"wrong_type.toml", []want{{"3:8", "processes.web.port", "expected an integer, got a string"}}},
		{"port_range.toml", []want{{"3:8", "processes.web.port", "70000 is not a port (1–65535)"}}},
		{"no_image.toml", []want{{"2:1", "processes.web", "has neither image nor build"}}},
		{"both.toml", []want{{"3:1", "processes.web", "has both image and build"}}},
		{"two_errors.toml", []want{
			{"1:8", "name", `"Shop" is not a valid app name`},
			{"5:8", "processes.web.port", "0 is not a port (1–65535)"},
		}},
		// Misspelt image is not also "neither image nor build".
		{"nested_unknown.toml", []want{
			{"2:1", "processes.web.imgae", `unknown key; did you mean "image"?`},
			{"6:1", "database.engin", `unknown key; did you mean "engine"?`},
		}},
		{"no_processes.toml", []want{{"1:1", "processes", "no processes"}}},
		{"env_secret.toml", []want{{"4:1", "env.STRIPE_KEY", `"STRIPE_KEY" is in both env and secrets`}}},
		{"retention.toml", []want{{"6:18", "log.retention_days", "10 is not a retention period"}}},
		{"bad_names.toml", []want{
			{"1:12", "processes.Web_1", `"Web_1" is not a valid process name`},
			{"3:10", "processes.Web_1.health", `"healthz" is not a health check path`},
			{"6:1", "processes.Web_1.env.bad-key", `"bad-key" is not an environment variable name`},
		}},
		{"type_fixes.toml", []want{
			{"1:10", "region", `"us-east1" is not an AWS region`},
			{"5:11", "processes.worker.command", "expected an array of strings, got a string"},
			{"6:9", "processes.worker.count", "expected an integer, got a float"},
		}},
		{"badrefs.toml", []want{
			{"9:6", "processes.web.env.A", "${database.host} refers to the app's database, and it has none"},
			{"10:6", "processes.web.env.B", `${databse.password} refers to "databse", which mvi doesn't make`},
			{"11:14", "processes.web.env.C", `${database.usr}: database has no "usr"`},
			{"12:6", "processes.web.env.D", "${secrets.API_KY} names a secret this app doesn't list"},
			{"13:6", "processes.web.env.E", "a reference starts with ${ and never ends"},
		}},
		{"ranges.toml", []want{
			{"6:9", "vm.count", "50 is not a VM count (1–20)"},
			{"9:10", "database.engine", `"oracle" is not a database engine (postgres, mysql or mariadb)`},
			{"10:11", "database.storage", "5 is not a storage size (20–1000)"},
			{"13:7", "metric.cpu", "0 is not a CPU percentage (1–100)"},
		}},
		{"misplaced.toml", []want{
			{"1:1", "port", `"port" belongs in [processes.NAME]`},
			{"3:2", "web", `is "web" a process?`},
		}},
		// [registry] keep moved: the message says where it lives now.
		{"registry_keep.toml", []want{
			{"6:1", "registry.keep", "registry.keep has moved to [release] keep"},
			{"9:8", "release.keep", "0 is not a number of releases to keep (1–1000)"},
		}},
		{"array_of_tables.toml", []want{{"1:1", "processes", "expected a table, got an array of tables"}}},
		// A container runs on one VM: bigger than the VM never starts.
		{"too_big.toml", []want{
			{"6:7", "processes.web.cpu", "cpu = 4096 doesn't fit on one t3.small, which gives containers 2048 CPU units"},
			{"10:10", "processes.worker.memory", "memory = 4096 doesn't fit on one t3.small, which gives containers 1945 MiB"},
		}},
		// Two public processes on port 80 both claimed the listener: now
		// the second needs a rule (a path or host) or public = false.
		{"listener_clash.toml", []want{{"10:10", "processes.proxy", "backend and proxy would share the load balancer's listener on port 80 with no rule"}}},
		{"routes.toml", []want{
			{"6:44", "processes.web.env.B", "${processes.worker.host} refers to worker, which has no port"},
			{"6:76", "processes.web.env.C", "${processes.rdis.port} names a process this app doesn't have"},
			{"11:8", "processes.api.path", `"/api/<x>" is not an ALB path pattern`},
			{"16:10", "processes.redis", "port 6379 speaks Redis, not HTTP"},
			{"24:8", "processes.admin.host", `"admin" is not an ALB host pattern`},
		}},
		// Rules alone leave the listener's default action no process.
		{"routes_no_default.toml", []want{{"6:8", "processes.api", "every public process has a route"}}},
		{"vm_type.toml", []want{{"4:8", "vm.type", `"t3.smal" is not an EC2 instance type`}}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse("mvi.toml", data)
			if m != nil {
				t.Errorf("Parse returned a manifest with errors")
			}
			es, ok := AsErrors(err)
			if !ok {
				t.Fatalf("want Errors, got %T %v", err, err)
			}
			if len(es) != len(tc.want) {
				t.Fatalf("want %d errors, got %d:\n%v", len(tc.want), len(es), es)
			}
			for i, w := range tc.want {
				e := es[i]
				if at := fmt.Sprintf("%d:%d", e.Line, e.Col); at != w.at || e.Path != w.path || !strings.Contains(e.Msg, w.msg) {
					t.Errorf("error %d:\n got  %s %s: %s\n want %s %s: …%s…", i, at, e.Path, e.Msg, w.at, w.path, w.msg)
				}
				if e.File != "mvi.toml" || e.Fix == "" {
					t.Errorf("error %d has file %q and fix %q: every error names its file and says what to do", i, e.File, e.Fix)
				}
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	_, err := Parse("mvi.toml", []byte("[processes.web]\nimage = \"httpd\"\nport = 70000\n"))
	got := err.Error()
	wantText := "mvi.toml:3:8: processes.web.port: 70000 is not a port (1–65535)\n" +
		"    fix: use the port your server listens on, e.g. port = 8080"
	if got != wantText {
		t.Errorf("got\n%s\nwant\n%s", got, wantText)
	}

	// A fix of several lines keeps its shape, indented under "fix:".
	_, err = Parse("mvi.toml", []byte("name = \"x\"\n"))
	wantText = "mvi.toml:1:1: processes: no processes: an app needs at least one to run\n" +
		"    fix: add one, e.g. the book's Hello World:\n" +
		"         [processes.web]\n" +
		"         image = \"httpd\"\n" +
		"         port = 80"
	if got := err.Error(); got != wantText {
		t.Errorf("got\n%s\nwant\n%s", got, wantText)
	}

	es := Errors{{Line: 1, Col: 2, Msg: "a"}, {File: "f", Line: 3, Col: 4, Path: "p", Msg: "b"}}
	if got, w := es.Error(), "1:2: a\nf:3:4: p: b"; got != w {
		t.Errorf("Errors.Error() = %q, want %q", got, w)
	}
}

func TestAsErrors(t *testing.T) {
	_, err := Parse("mvi.toml", []byte("port = 1\n"))
	wrapped := fmt.Errorf("up: %w", err)
	if es, ok := AsErrors(wrapped); !ok || len(es) == 0 {
		t.Errorf("AsErrors(wrapped) = %v, %v", es, ok)
	}
	if es, ok := AsErrors(fmt.Errorf("x: %w", &Error{Line: 1, Col: 1, Msg: "m"})); !ok || len(es) != 1 {
		t.Errorf("AsErrors(*Error) = %v, %v", es, ok)
	}
	if _, ok := AsErrors(errors.New("other")); ok {
		t.Error("AsErrors found manifest errors in an unrelated error")
	}
	if _, ok := AsErrors(nil); ok {
		t.Error("AsErrors(nil) reported errors")
	}
}

// The book's Hello World is three lines; everything else is a default.
func TestHelloWorldDefaults(t *testing.T) {
	file := filepath.Join(t.TempDir(), "my-app", "mvi.toml")
	m, err := Parse(file, []byte("[processes.web]\nimage = \"httpd\"\nport = 80\n"))
	if err != nil {
		t.Fatal(err)
	}
	web := m.Processes["web"]
	checks := []struct {
		what     string
		got, val any
	}{
		{"name", m.Name, "my-app"},
		{"file", m.File, file},
		{"region", m.Region, "us-east-1"},
		{"web.count", web.Count, 2},
		{"web.cpu", web.CPU, 256},
		{"web.memory", web.Memory, 512},
		{"web.health", web.Health, "/"},
		{"vm.count", m.VM.Count, 2},
		{"vm.type", m.VM.Type, "t3.small"},
		{"log.retention_days", m.Log.RetentionDays, 30},
		{"database", m.Database == nil, true},
		{"registry", m.Registry == nil, true},
		{"release", m.Release == nil, true},
	}
	for _, c := range checks {
		if c.got != c.val {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.val)
		}
	}
}

// An explicit zero is a mistake, not a request for the default.
func TestExplicitZeroIsNotDefault(t *testing.T) {
	_, err := Parse("mvi.toml", []byte("[processes.web]\nimage = \"httpd\"\ncount = 0\n"))
	es, _ := AsErrors(err)
	if len(es) != 1 || es[0].Path != "processes.web.count" || es[0].Line != 3 || es[0].Col != 9 {
		t.Errorf("got %v", err)
	}
}

func TestExamplesParse(t *testing.T) {
	for _, name := range []string{"hello", "full"} {
		t.Run(name, func(t *testing.T) {
			m, err := Load(filepath.Join("..", "..", "assets", "examples", name))
			if err != nil {
				t.Fatal(err)
			}
			if name == "hello" {
				if m.Name != "hello" || len(m.Processes) != 1 || m.Processes["web"].Image != "httpd" || m.Processes["web"].Port != 80 {
					t.Errorf("hello is not the book's Hello World: %+v", m)
				}
				return
			}
			web, worker := m.Processes["web"], m.Processes["worker"]
			if m.Name != "shop" || web == nil || worker == nil || web.Build != "." || web.Port != 3000 ||
				web.Count != 2 || web.Health != "/healthz" || worker.Build != "." ||
				strings.Join(worker.Command, " ") != "bin/worker" || worker.Count != 1 ||
				m.Database == nil || m.Database.Engine != "postgres" || m.FS == nil || m.KV == nil ||
				m.Blob == nil || m.Log.RetentionDays != 14 ||
				len(m.Env) == 0 || m.Registry == nil || m.Release == nil || m.Release.Keep != 10 {
				t.Errorf("full example is missing something: %+v", m)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "mvi.toml"))
	if err == nil || !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "no such file; create it (the smallest app is three lines") {
		t.Errorf("missing file: got %v", err)
	}
	if _, ok := AsErrors(err); ok {
		t.Error("a missing file is not a mistake in a manifest")
	}

	file := filepath.Join(dir, "mvi.toml")
	if err := os.WriteFile(file, []byte("[processes.web]\nimage = \"httpd\"\nport = 8o\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir) // a directory means its mvi.toml
	es, ok := AsErrors(err)
	if !ok || es[0].File != file || es[0].Line != 3 {
		t.Errorf("got %v", err)
	}
}

// A byte order mark is invisible in an editor, so it must not be an error,
// nor shift columns.
func TestByteOrderMark(t *testing.T) {
	_, err := Parse("mvi.toml", []byte("\xef\xbb\xbfport = 1\n"))
	es, _ := AsErrors(err)
	if len(es) == 0 || es[0].Line != 1 || es[0].Col != 1 || es[0].Path != "port" {
		t.Errorf("got %v", err)
	}
}

// Columns count characters, as editors show them, not bytes.
func TestColumnsCountCharacters(t *testing.T) {
	_, err := Parse("mvi.toml", []byte("[processes.web]\nimage = \"httpd\"\nenv = { \"É\" = \"é\", port = 1 }\n"))
	es, _ := AsErrors(err)
	found := false
	for _, e := range es {
		if e.Path == "processes.web.env.port" {
			found = true
			if e.Line != 3 || e.Col != 27 { // 29 in bytes
				t.Errorf("port value at %d:%d, want 3:27", e.Line, e.Col)
			}
		}
	}
	if !found {
		t.Errorf("no error for the env value: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"image", "build", "command", "port", "count", "cpu", "memory", "health", "env"}
	for in, out := range map[string]string{
		"imgae": "image", "Port": "port", "helth": "health", "comand": "command", "cpus": "cpu",
		"memroy": "memory", "xyz": "", "db": "", "imagefile": "image",
	} {
		if got := nearest(in, known); got != out {
			t.Errorf("nearest(%q) = %q, want %q", in, got, out)
		}
	}
	top := []string{"name", "region", "processes", "vm", "database", "fs", "kv", "blob", "registry", "release", "log", "metric", "env", "secrets"}
	for in, out := range map[string]string{"procesess": "processes", "process": "processes", "secret": "secrets", "regoin": "region", "logs": "log"} {
		if got := nearest(in, top); got != out {
			t.Errorf("nearest(%q) = %q, want %q", in, got, out)
		}
	}
	if got := nearestInt(10, retentionDays); got != 7 {
		t.Errorf("nearestInt(10) = %d", got)
	}
	if got := nearestInt(4000, retentionDays); got != 3653 {
		t.Errorf("nearestInt(4000) = %d", got)
	}
}
