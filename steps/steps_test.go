package steps

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
)

func TestFieldCheck(t *testing.T) {
	cases := []struct {
		f    Field
		v    string
		okay bool
	}{
		{Field{Key: "n", Validate: RuleAppName}, "hello", true},
		{Field{Key: "n", Validate: RuleAppName}, "Hello", false},
		{Field{Key: "n", Validate: RuleAppName}, "a--b", false},
		{Field{Key: "n", Validate: RuleAppName}, "1app", false},
		{Field{Key: "n", Validate: RuleAppName}, strings.Repeat("a", 33), false},
		{Field{Key: "n", Validate: RuleAppName}, "", false},
		{Field{Key: "p", Type: Number, Validate: RulePort, Optional: true}, "", true},
		{Field{Key: "p", Type: Number, Validate: RulePort}, "80", true},
		{Field{Key: "p", Type: Number, Validate: RulePort}, "70000", false},
		{Field{Key: "p", Type: Number, Validate: RulePort}, "eighty", false},
		{Field{Key: "c", Type: Number, Min: 1, Max: 3}, "4", false},
		{Field{Key: "c", Type: Number, Min: 1, Max: 3}, "3", true},
		{Field{Key: "c", Type: Number, Min: 2}, "500", true},
		{Field{Key: "c", Type: Number, Min: 2}, "1", false},
		{Field{Key: "c", Validate: RulePositiveInt}, "0", false},
		{Field{Key: "s", Validate: RuleImageOrDir}, "ghcr.io/you/app:1.4", true},
		{Field{Key: "s", Validate: RuleImageOrDir}, "./web", true},
		{Field{Key: "s", Validate: RuleImageOrDir}, "Bad Image!", false},
		{Field{Key: "d", Type: Select, Options: []Option{{"no", "none"}, {"PostgreSQL", "postgres"}}}, "postgres", true},
		{Field{Key: "d", Type: Select, Options: []Option{{"no", "none"}}}, "oracle", false},
		{Field{Key: "y", Type: Confirm}, "yes", true},
		{Field{Key: "y", Type: Confirm}, "maybe", false},
		{Field{Key: "w", Validate: RuleCommand, Optional: true}, "  ", true},
		{Field{Key: "x", Validate: "shoe-size"}, "9", false},
	}
	for _, c := range cases {
		err := c.f.Check(c.v)
		if (err == nil) != c.okay {
			t.Errorf("%s %q (%s/%s): err = %v, want ok=%v", c.f.Key, c.v, c.f.Kind(), c.f.Validate, err, c.okay)
		}
	}
}

func TestMergeTOMLMergesTablesAndParses(t *testing.T) {
	got, err := MergeTOML("name = \"a\"\n[processes.web]\nimage = \"httpd\"\n", "[processes.web]\nport = 80\n[processes.worker]\nimage = \"httpd\"\ncommand = [\"w\", \"-q\"]\n[log]\n")
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse("mvi.toml", []byte(got))
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if m.Name != "a" || m.Processes["web"].Image != "httpd" || m.Processes["web"].Port != 80 ||
		strings.Join(m.Processes["worker"].Command, " ") != "w -q" || m.Log == nil {
		t.Errorf("merged:\n%s", got)
	}
	if strings.Contains(got, "[processes]\n") {
		t.Errorf("an empty [processes] header:\n%s", got)
	}
	// Strings that need escaping survive the round trip.
	odd := "a \"quoted\" \\ value\tand é"
	got, err = MergeTOML("", "[env]\nX = "+tomlString(odd)+"\n")
	if err != nil {
		t.Fatal(err)
	}
	m, err = manifest.Parse("x", []byte("[processes.web]\nimage=\"httpd\"\n"+got))
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if m.Env["X"] != odd {
		t.Errorf("env X = %q, want %q", m.Env["X"], odd)
	}
}

func TestAskAppliesDefaultsAnswersAndRefusesBadOnes(t *testing.T) {
	a := Ask{Fields: []Field{
		{Key: "name", Prompt: "Name?", Default: "hello", Validate: RuleAppName},
		{Key: "src", Prompt: "Image?", Default: "httpd", Validate: RuleImageOrDir},
		{Key: "port", Prompt: "Port?", Type: Number, Validate: RulePort, Optional: true},
		{Key: "go", Prompt: "Go?", Type: Confirm, Default: "no"},
	}, Change: `name = {{quote .name}}
[processes.web]
{{if isDir .src}}build = {{quote .src}}{{else}}image = {{quote .src}}{{end}}
{{if .port}}port = {{.port}}{{end}}
`}
	s := &Session{Answers: map[string]string{"src": "./site", "port": "8080", "go": "y"}, Defaults: map[string]string{"name": "shop"}}
	if err := a.Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse("x", []byte(s.Manifest))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "shop" || m.Processes["web"].Build != "./site" || m.Processes["web"].Port != 8080 {
		t.Errorf("manifest:\n%s", s.Manifest)
	}
	if s.Answers["go"] != "true" || s.Answers["name"] != "shop" {
		t.Errorf("answers %v", s.Answers)
	}
	before := s.Manifest
	s.Answers["port"] = "99999"
	if err := a.Run(context.Background(), s, nil); err == nil || !strings.Contains(err.Error(), "port") {
		t.Errorf("a bad port: %v", err)
	}
	if s.Manifest != before {
		t.Error("a refused answer changed the manifest")
	}
	// A change that makes a manifest mvi refuses is refused.
	bad := Ask{Fields: []Field{{Key: "n", Prompt: "n", Default: "7"}}, Change: "[processes.web]\nimage = {{.n}}\n"}
	if err := bad.Run(context.Background(), &Session{}, nil); err == nil || !strings.Contains(err.Error(), "refuses") {
		t.Errorf("image = 7: %v", err)
	}
}

func TestDesignRecordsWhatTheStepAdded(t *testing.T) {
	s := &Session{Manifest: "name = \"h\"\n[processes.web]\nimage = \"httpd\"\n"}
	if err := (Design{}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Arch.Get("lb"); ok || s.Engine.App != "h" {
		t.Fatalf("first design: lb present or app %q", s.Engine.App)
	}
	s.Manifest += "port = 80\n"
	if err := (Design{}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	var lb bool
	for _, r := range s.Added() {
		lb = lb || r.ID == "lb" && r.Reason != ""
		if _, ok := s.Prev.Get(r.ID); ok {
			t.Errorf("%s was there before", r.ID)
		}
	}
	if !lb {
		t.Error("adding a port added no load balancer with a reason")
	}
	svcs := s.AddedServices()
	if len(svcs) == 0 || !containsService(svcs, "Load Balancer") {
		t.Errorf("added services %v", svcs)
	}
}

func containsService[T ~string](s []T, v string) bool {
	for _, x := range s {
		if string(x) == v {
			return true
		}
	}
	return false
}

func TestWhenSkipsOnTheAnswer(t *testing.T) {
	s := &Session{Answers: map[string]string{"create": "false"}}
	if ShouldRun(Plan{Base: Base{When: "create"}}, s) || !ShouldRun(Plan{Base: Base{When: "!create"}}, s) || !ShouldRun(Plan{}, s) {
		t.Error("when = create with create = false")
	}
	s.Answers["create"] = "true"
	if !ShouldRun(Apply{Base: Base{When: "create"}}, s) {
		t.Error("when = create with create = true")
	}
}

func TestStepsThatNeedACloudSayWhenThereIsNone(t *testing.T) {
	s := &Session{Manifest: "name = \"h\"\n[processes.web]\nimage = \"httpd\"\n"}
	for _, st := range []Step{Plan{}, Apply{}, Inspect{}, Destroy{}, Verify{}, Break{Action: BreakTerminateVM}} {
		if err := st.Run(context.Background(), s, nil); err == nil || !strings.Contains(err.Error(), "no cloud") {
			t.Errorf("%s without clients: %v", st.Kind(), err)
		}
	}
	connected := errors.New("connect called")
	s.Connect = func(context.Context, *Session) error { return connected }
	if err := (Plan{}).Run(context.Background(), s, nil); !errors.Is(err, connected) {
		t.Errorf("plan with Connect: %v", err)
	}
}

func TestWriteIsAtomicAndKeepsAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	s := &Session{Dir: dir, Manifest: "name = \"h\"\n[processes.web]\nimage = \"httpd\"\n"}
	if err := (Write{}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := manifest.Load(dir); err != nil {
		t.Fatal(err)
	}
	if err := (Write{}).Run(context.Background(), s, nil); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second write: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
	s.Manifest = "name = \"h\"\n"
	if err := (Write{Overwrite: true, File: "other.toml"}).Run(context.Background(), s, nil); err == nil {
		t.Error("wrote a manifest without processes")
	}
	if _, err := os.Stat(filepath.Join(dir, "other.toml")); err == nil {
		t.Error("a refused write left a file")
	}
}

func TestCheckSatisfiable(t *testing.T) {
	noPort, err := DesignManifest("name = \"h\"\n[processes.web]\nimage = \"httpd\"\n")
	if err != nil {
		t.Fatal(err)
	}
	withPort, err := DesignManifest("name = \"h\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Check{{Kind: CheckHTTP}, {Kind: CheckHealthy}} {
		if c.Satisfiable(noPort) == nil {
			t.Errorf("%s passes without a port", c.Kind)
		}
		if err := c.Satisfiable(withPort); err != nil {
			t.Errorf("%s with a port: %v", c.Kind, err)
		}
	}
	if (Check{Kind: CheckLog}).Satisfiable(withPort) == nil || (Check{Kind: CheckHTTP, Process: "worker"}).Satisfiable(withPort) == nil ||
		(Check{Kind: "ping"}).Satisfiable(withPort) == nil {
		t.Error("an impossible check passes")
	}
	if err := (Check{Kind: CheckVMs}).Satisfiable(noPort); err != nil {
		t.Error(err)
	}
}

// A cloud answer moves the session through UseCloud; without one, an
// answer naming another cloud fails instead of running on the sandbox.
func TestCloudFieldSwitchesTheSessionOrRefuses(t *testing.T) {
	ask := Ask{Fields: []Field{{Key: "cloud", Prompt: "Where?", Type: Select, Cloud: true, Default: CloudSandbox,
		Options: []Option{{Label: "sandbox", Value: CloudSandbox}, {Label: "aws", Value: CloudAWS}}}}}
	s := &Session{Answers: map[string]string{"cloud": CloudAWS}}
	if err := ask.Run(context.Background(), s, nil); err == nil || !strings.Contains(err.Error(), "--cloud aws") {
		t.Errorf("aws without UseCloud: %v", err)
	}
	var got []string
	s.UseCloud = func(_ context.Context, s *Session, name string) error {
		got = append(got, name)
		s.Engine.Account = "123456789012"
		return nil
	}
	if err := ask.Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != CloudAWS || s.Engine.Account != "123456789012" {
		t.Errorf("UseCloud calls %v, account %q", got, s.Engine.Account)
	}
	s.Answers["cloud"] = CloudSandbox
	s.UseCloud = nil
	if err := ask.Run(context.Background(), s, nil); err != nil {
		t.Errorf("sandbox without UseCloud: %v", err)
	}
}

// A person about to say yes sees where the change lands.
func TestConfirmQuestionsNameTheCloud(t *testing.T) {
	var asked []string
	s := &Session{Where: "AWS account 123456789012 in us-east-1",
		Engine: engine.Config{App: "hello", Clients: &cloud.Clients{}},
		Arch:   arch.Architecture{App: "hello"},
		Plan:   &engine.Plan{App: "hello", Steps: []engine.Step{{ID: "vpc", Action: engine.Create}}},
		Confirm: func(_ context.Context, q string) (bool, error) {
			asked = append(asked, q)
			return false, nil
		}}
	if err := (Apply{}).Run(context.Background(), s, nil); !errors.Is(err, ErrDeclined) {
		t.Fatalf("apply: %v", err)
	}
	if err := (Destroy{}).Run(context.Background(), s, nil); !errors.Is(err, ErrDeclined) {
		t.Fatalf("destroy: %v", err)
	}
	for _, q := range asked {
		if !strings.Contains(q, "on AWS account 123456789012") {
			t.Errorf("%q does not say where", q)
		}
	}
	if len(asked) != 2 {
		t.Errorf("asked %v", asked)
	}
}

// Issue 10 item 11: Hello World's summary showed port = 80 after the
// learner chose 8080; it shows the manifest the session built.
func TestSummaryShowsTheManifestBuilt(t *testing.T) {
	s := &Session{Manifest: "name = \"hi\"\n\n[processes.web]\nimage = \"httpd\"\nport = 8080\n"}
	got := s.Fill("The whole app:\n\n```toml\n" + ManifestToken + "\n```\n")
	if !strings.Contains(got, "port = 8080") || strings.Contains(got, ManifestToken) {
		t.Errorf("filled: %s", got)
	}
	if (&Session{}).Fill("no token") != "no token" {
		t.Error("text without the token changed")
	}
}
