package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

const (
	helloFile = "../../assets/examples/hello/mvi.toml"
	fullFile  = "../../assets/examples/full/mvi.toml"
)

func mvi(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestHelpListsTheCommands(t *testing.T) {
	out, _, code := mvi(t, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, cmd := range []string{"validate", "plan", "diagram", "explain", "version"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("help lacks %s:\n%s", cmd, out)
		}
	}
}

func TestEveryCommandHelpHasAnExample(t *testing.T) {
	root := newRoot(nil, &bytes.Buffer{}, &bytes.Buffer{})
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if !strings.Contains(c.Example, "mvi "+c.Name()) {
			t.Errorf("%s --help has no real example: %q", c.Name(), c.Example)
		}
	}
}

func TestPlanHelloListsTheBookPiecesWithReasons(t *testing.T) {
	out, errs, code := mvi(t, "plan", "-f", helloFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"VPC", "VM", "Container", "Load Balancer", "vpc ", "asg ", "service/web", "lb ",
		"2 VMs in 2 zones", "one stable address"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Database") {
		t.Error("hello plan has a database")
	}
}

func TestPlanFullJSONHasAllTwelveServices(t *testing.T) {
	out, errs, code := mvi(t, "plan", "-f", fullFile, "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		App      string `json:"app"`
		Services []struct {
			Service   string `json:"service"`
			Resources []struct {
				ID        string   `json:"id"`
				Service   string   `json:"service"`
				Type      string   `json:"type"`
				DependsOn []string `json:"depends_on"`
				Reason    string   `json:"reason"`
			} `json:"resources"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.Services) != 12 {
		t.Errorf("%d services, want 12", len(doc.Services))
	}
	for _, s := range doc.Services {
		for _, r := range s.Resources {
			if r.ID == "" || r.Type == "" || r.Reason == "" || r.Service != s.Service || r.DependsOn == nil && r.ID != "vpc" && r.ID != "key" && r.ID != "role/instance" && r.ID != "cluster" && r.ID != "namespace" {
				t.Errorf("incomplete resource %+v", r)
			}
		}
	}
}

func TestDiagramFitsEightyColumns(t *testing.T) {
	for _, f := range []string{helloFile, fullFile} {
		out, errs, code := mvi(t, "diagram", "-f", f, "--width", "80", "--highlight", "lb,vpc")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, errs)
		}
		for i, line := range strings.Split(out, "\n") {
			if w := lipgloss.Width(line); w > 80 {
				t.Errorf("%s line %d is %d cells: %q", f, i+1, w, line)
			}
		}
		if !strings.Contains(out, "┏") || !strings.Contains(out, "VPC") {
			t.Errorf("%s: no heavy box or VPC:\n%s", f, out)
		}
	}
}

func TestBrokenManifestsExitTwoWithPositions(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"syntax":       {"[processes.web\nimage = \"httpd\"\n", "mvi.toml:1:"},
		"duplicate":    {"[processes.web]\nimage = \"httpd\"\nimage = \"nginx\"\n", "mvi.toml:3:"},
		"unknown":      {"[processes.web]\nimgae = \"httpd\"\n", "image"},
		"type":         {"[processes.web]\nimage = \"httpd\"\nport = \"80\"\n", "mvi.toml:3:"},
		"range":        {"[processes.web]\nimage = \"httpd\"\nport = 70000\n", "processes.web.port"},
		"no image":     {"[processes.web]\nport = 80\n", "processes.web"},
		"two mistakes": {"[processes.web]\nimage = \"httpd\"\nport = 0\ncount = -1\n", "2 errors"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// The app name defaults to the directory's, so give it a valid one.
			dir := filepath.Join(t.TempDir(), "app")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "mvi.toml")
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range []string{"validate", "plan", "diagram"} {
				out, errs, code := mvi(t, cmd, "-f", path)
				if code != exitInvalid {
					t.Errorf("%s: exit %d, want 2 (stdout %q)", cmd, code, out)
				}
				if !strings.Contains(errs, tc.want) {
					t.Errorf("%s: stderr lacks %q:\n%s", cmd, tc.want, errs)
				}
				if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
					t.Errorf("%s: stack trace:\n%s", cmd, errs)
				}
			}
		})
	}
}

func TestMissingFileAndBadFlagsAreClear(t *testing.T) {
	_, errs, code := mvi(t, "plan", "-f", filepath.Join(t.TempDir(), "nope.toml"))
	if code == 0 || !strings.Contains(errs, "nope.toml") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
	_, errs, code = mvi(t, "plan", "--output", "yaml", "-f", helloFile)
	if code != exitInvalid || !strings.Contains(errs, "text or json") {
		t.Errorf("bad output: exit %d, %q", code, errs)
	}
	_, errs, code = mvi(t, "diagram", "--highlight", "nosuch", "-f", helloFile)
	if code != exitInvalid || !strings.Contains(errs, "nosuch") {
		t.Errorf("bad highlight: exit %d, %q", code, errs)
	}
	_, errs, code = mvi(t, "plan", "--nope")
	if code != exitInvalid || !strings.Contains(errs, "--help") {
		t.Errorf("unknown flag: exit %d, %q", code, errs)
	}
}

func TestValidateExamplesAndExplain(t *testing.T) {
	for _, f := range []string{helloFile, fullFile} {
		out, errs, code := mvi(t, "validate", "-f", f)
		if code != 0 || !strings.Contains(out, "ok") {
			t.Errorf("%s: exit %d %q %q", f, code, out, errs)
		}
	}
	out, _, code := mvi(t, "explain", "lb")
	// Piped, the chapter is rendered to plain prose: no Markdown marks.
	if code != 0 || !strings.Contains(out, "\nWhy we need it\n") || strings.Contains(out, "##") || strings.Contains(out, "**") {
		t.Errorf("explain lb: exit %d\n%s", code, out)
	}
	_, errs, code := mvi(t, "explain", "teleporter")
	if code != exitInvalid || !strings.Contains(errs, "load-balancer") {
		t.Errorf("explain unknown: exit %d %q", code, errs)
	}
	out, _, code = mvi(t, "version")
	if code != 0 || !strings.HasPrefix(out, "mvi ") {
		t.Errorf("version: %q", out)
	}
}
