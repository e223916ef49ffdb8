package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

const canary = "canary-7d1f0e"

// secretApp writes a small app with two secrets and returns its file and
// the sandbox flags every command of the test shares.
func secretApp(t *testing.T) (file string, sb []string) {
	t.Helper()
	dir := t.TempDir()
	file = filepath.Join(dir, "mvi.toml")
	body := `name = "vault"
secrets = ["API_KEY", "STRIPE_KEY"]
[processes.web]
image = "httpd"
port = 80
env = { TOKEN = "${secrets.API_KEY}", UPSTREAM = "https://user:${secrets.API_KEY}@api.example.com/" }
[processes.worker]
image = "httpd"
`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, []string{"-f", file, "--sandbox-dir", filepath.Join(dir, "sandbox"), "--sandbox-speed", "0"}
}

// stored reads a value straight from the sandbox, as ECS would.
func stored(t *testing.T, dir, name string) (string, bool) {
	t.Helper()
	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	out, err := sb.Clients().SSM.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(arch.SecretPath("vault", name)), WithDecryption: aws.Bool(true)})
	if err != nil {
		return "", false
	}
	return aws.ToString(out.Parameter.Value), true
}

func TestSecretsSetListUnset(t *testing.T) {
	file, sb := secretApp(t)
	dir := filepath.Join(filepath.Dir(file), "sandbox")
	at := func(a ...string) []string { return append(a, sb...) }

	out, errs, code := mviIn(t, canary+"\n", at("secrets", "set", "API_KEY")...)
	if code != 0 || !strings.Contains(out, "Set API_KEY of vault") || !strings.Contains(out, "alias/aws/ssm") || !strings.Contains(out, "web and worker read it as $API_KEY") {
		t.Fatalf("set: exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, canary) {
		t.Errorf("set echoed the value:\n%s%s", out, errs)
	}
	if v, _ := stored(t, dir, "API_KEY"); v != canary {
		t.Errorf("stored %q: piped stdin loses one trailing newline", v)
	}
	val := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(val, []byte("line 1\nline 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := mvi(t, at("secrets", "set", "STRIPE_KEY", "--from-file", val)...); code != 0 {
		t.Fatalf("set --from-file: exit %d\n%s\n%s", code, out, errs)
	}
	if v, _ := stored(t, dir, "STRIPE_KEY"); v != "line 1\nline 2\n" {
		t.Errorf("--from-file stored %q, want the file byte for byte", v)
	}

	out, errs, code = mvi(t, at("secrets", "list")...)
	if code != 0 {
		t.Fatalf("list: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"API_KEY", "STRIPE_KEY", "set", "web, worker", "alias/aws/ssm", "never shown"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, canary) || strings.Contains(out, "line 1") {
		t.Errorf("list shows a value:\n%s", out)
	}

	if out, errs, code := mvi(t, at("secrets", "unset", "STRIPE_KEY")...); code != 0 || !strings.Contains(out, "Deleted the value of STRIPE_KEY") || !strings.Contains(out, "mvi secrets set STRIPE_KEY") {
		t.Fatalf("unset: exit %d\n%s\n%s", code, out, errs)
	}
	if out, _, code := mvi(t, at("secrets", "unset", "STRIPE_KEY")...); code != 0 || !strings.Contains(out, "nothing to unset") {
		t.Errorf("unset again: exit %d\n%s", code, out)
	}
	out, _, code = mvi(t, at("secrets", "list", "--output", "json")...)
	var doc struct {
		App     string `json:"app"`
		Secrets []struct {
			Name    string   `json:"name"`
			Set     bool     `json:"set"`
			Version int64    `json:"version"`
			UsedBy  []string `json:"used_by"`
		} `json:"secrets"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("list json: exit %d, %v\n%s", code, err, out)
	}
	if doc.App != "vault" || len(doc.Secrets) != 2 || !doc.Secrets[0].Set || doc.Secrets[0].Version != 1 || doc.Secrets[1].Set || len(doc.Secrets[1].UsedBy) != 2 {
		t.Errorf("list json: %+v", doc)
	}
	out, _, _ = mvi(t, at("secrets", "list")...)
	if !strings.Contains(out, "STRIPE_KEY has no value") || !strings.Contains(out, "mvi secrets set STRIPE_KEY") {
		t.Errorf("list doesn't say how to set the unset one:\n%s", out)
	}
}

func TestSecretsSetRefusesWhatItCantStore(t *testing.T) {
	file, sb := secretApp(t)
	dir := filepath.Join(filepath.Dir(file), "sandbox")
	at := func(a ...string) []string { return append(a, sb...) }
	_, errs, code := mviIn(t, canary, at("secrets", "set", "API_KY")...)
	if code != exitInvalid || !strings.Contains(errs, "API_KY is not a secret of vault") || !strings.Contains(errs, "did you mean API_KEY?") {
		t.Errorf("a name mvi.toml doesn't list: exit %d\n%s", code, errs)
	}
	_, errs, code = mviIn(t, canary, at("secrets", "set", "OTHER")...)
	if code != exitInvalid || !strings.Contains(errs, `secrets = ["API_KEY", "STRIPE_KEY", "OTHER"]`) {
		t.Errorf("a new name: exit %d\n%s", code, errs)
	}
	for _, in := range []string{"", "\n"} {
		_, errs, code = mviIn(t, in, at("secrets", "set", "API_KEY")...)
		if code != exitInvalid || !strings.Contains(errs, "empty") {
			t.Errorf("empty value %q: exit %d\n%s", in, code, errs)
		}
	}
	_, errs, code = mviIn(t, strings.Repeat("x", 5000), at("secrets", "set", "API_KEY")...)
	if code != exitInvalid || !strings.Contains(errs, "4096") {
		t.Errorf("a value too long: exit %d\n%s", code, errs)
	}
	if _, ok := stored(t, dir, "API_KEY"); ok {
		t.Error("a refused value was stored")
	}
	for _, a := range [][]string{{"secrets", "set"}, {"secrets", "set", "A", "B"}, {"secrets", "bogus"}} {
		if _, errs, code := mvi(t, at(a...)...); code != exitInvalid {
			t.Errorf("%v: exit %d %s", a, code, errs)
		}
	}
}

func TestSecretsHelpTeachesWhereValuesLive(t *testing.T) {
	out, _, code := mvi(t, "secrets", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"/mvi/APP/secrets/NAME", "SecureString", "alias/mvi/APP", "never", "mvi.toml", "next started", "--keep-secrets", "mvi secrets set"} {
		if !strings.Contains(out, want) {
			t.Errorf("secrets --help lacks %q", want)
		}
	}
	out, _, _ = mvi(t, "down", "--help")
	if !strings.Contains(out, "--keep-secrets") {
		t.Error("down --help lacks --keep-secrets")
	}
}

// The check before any change: up of an app whose secret has no
// value exits non-zero, naming the secret and the command, and creates
// nothing.
func TestSecretsMissingStopsUpBeforeAnyChange(t *testing.T) {
	_, sb := secretApp(t)
	at := func(a ...string) []string { return append(a, sb...) }
	if _, errs, code := mviIn(t, canary, at("secrets", "set", "API_KEY")...); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := mvi(t, at("up", "--yes")...)
	if code == 0 {
		t.Fatalf("up with STRIPE_KEY unset succeeded:\n%s", tail(out))
	}
	for _, want := range []string{"STRIPE_KEY", "mvi secrets set STRIPE_KEY", "nothing was changed"} {
		if !strings.Contains(errs, want) {
			t.Errorf("up's error lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "API_KEY") {
		t.Errorf("up names a secret that has a value:\n%s", errs)
	}
	out, _, code = mvi(t, at("status")...)
	if code != 0 || !strings.Contains(out, "vault has no resources") {
		t.Errorf("up changed something before stopping:\n%s", out)
	}
}

// The canary: a value set with mvi secrets set appears in no output of up,
// status, plan or secrets list, and not in clear in the sandbox's files.
func TestSecretsCanaryShowsNowhere(t *testing.T) {
	file, sb := secretApp(t)
	dir := filepath.Join(filepath.Dir(file), "sandbox")
	at := func(a ...string) []string { return append(a, sb...) }
	if _, errs, code := mviIn(t, canary+"\n", at("secrets", "set", "API_KEY")...); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := mviIn(t, "other-value", at("secrets", "set", "STRIPE_KEY")...); code != 0 {
		t.Fatal(errs)
	}
	runs := [][]string{
		{"up", "--yes"},
		{"status"},
		{"status", "--output", "json"},
		{"secrets", "list"},
		{"secrets", "list", "--output", "json"},
		{"up", "--yes"}, // the second: nothing to change
	}
	for _, a := range runs {
		out, errs, code := mvi(t, at(a...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", a, code, tail(out), errs)
		}
		if strings.Contains(out+errs, canary) {
			t.Errorf("%v shows the canary:\n%s\n%s", a, out, errs)
		}
	}
	// plan reads only the file, and takes no cloud flags.
	for _, a := range [][]string{{"plan", "-f", file}, {"plan", "-f", file, "--output", "json"}} {
		out, errs, code := mvi(t, a...)
		if code != 0 || strings.Contains(out+errs, canary) {
			t.Errorf("%v: exit %d, canary shown: %v", a, code, strings.Contains(out+errs, canary))
		}
	}

	t.Run("sandbox state directory", func(t *testing.T) {
		var clear []string
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(canary)) {
				rel, _ := filepath.Rel(dir, path)
				clear = append(clear, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if sandboxKeepsSecureStringsInClear && slices.Equal(clear, []string{"state.json"}) {
			// Still hold the rest of the state: outside a SecureString's own
			// "value" (a task definition's environment, a plan, a tag) the
			// canary must not be there either.
			b, err := os.ReadFile(filepath.Join(dir, "state.json"))
			if err != nil {
				t.Fatal(err)
			}
			var state any
			if err := json.Unmarshal(b, &state); err != nil {
				t.Fatal(err)
			}
			dropSecureValues(state)
			if rest, _ := json.Marshal(state); bytes.Contains(rest, []byte(canary)) {
				t.Errorf("the canary is in state.json outside a SecureString's value")
			}
			t.Skipf("sandbox keeps SecureStrings in clear: see report (engine/sandbox/ssm.go param.Value, JSON \"value\" beside \"ciphertext\", in %v)", clear)
		}
		if len(clear) > 0 {
			t.Errorf("the canary is in clear in %v under the sandbox's directory", clear)
		}
	})

	// down deletes the values too.
	if out, errs, code := mvi(t, at("down", "--yes")...); code != 0 || !strings.Contains(out, "Deleted the values of 2 secret(s)") {
		t.Fatalf("down: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if _, ok := stored(t, dir, "API_KEY"); ok {
		t.Error("down left a secret's value")
	}
}

// sandboxKeepsSecureStringsInClear: engine/sandbox/ssm.go's param.Value
// (JSON "value") holds a SecureString's plain text in the state file beside
// its ciphertext. Someone else owns the sandbox; when it keeps only the
// ciphertext, set this false and the canary test holds the state too.
const sandboxKeepsSecureStringsInClear = false

// dropSecureValues blanks the "value" of every SecureString in a decoded
// sandbox state, in place.
func dropSecureValues(v any) {
	switch v := v.(type) {
	case map[string]any:
		if v["type"] == "SecureString" {
			delete(v, "value")
		}
		for _, x := range v {
			dropSecureValues(x)
		}
	case []any:
		for _, x := range v {
			dropSecureValues(x)
		}
	}
}

func TestSecretsDownKeepSecrets(t *testing.T) {
	file, sb := secretApp(t)
	dir := filepath.Join(filepath.Dir(file), "sandbox")
	at := func(a ...string) []string { return append(a, sb...) }
	for _, n := range []string{"API_KEY", "STRIPE_KEY"} {
		if _, errs, code := mviIn(t, canary, at("secrets", "set", n)...); code != 0 {
			t.Fatal(errs)
		}
	}
	if out, errs, code := mvi(t, at("up", "--yes", "--wait-for-containers=false")...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	// Set again now that the app has its key.
	if out, errs, code := mviIn(t, canary, at("secrets", "set", "API_KEY")...); code != 0 || !strings.Contains(out, "under the app's key alias/mvi/vault") {
		t.Fatalf("set after up: exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := mvi(t, at("down", "--yes", "--keep-secrets")...)
	if code != 0 || !strings.Contains(out, "Kept, as asked: the values of 2 secret(s)") || strings.Contains(out, "Deleted the values") {
		t.Fatalf("down --keep-secrets: exit %d\n%s\n%s", code, tail(out), errs)
	}
	// Kept, and readable: moved off the key down scheduled for deletion.
	if v, ok := stored(t, dir, "API_KEY"); !ok || v != canary {
		t.Errorf("kept value %q, %v", v, ok)
	}
	out, _, _ = mvi(t, at("secrets", "list")...)
	if !strings.Contains(out, "alias/aws/ssm") {
		t.Errorf("list after down --keep-secrets:\n%s", out)
	}
	if out, errs, code := mvi(t, at("down", "--yes")...); code != 0 || !strings.Contains(out, "Deleted the values of 2 secret(s)") {
		t.Errorf("second down: exit %d\n%s\n%s", code, tail(out), errs)
	}
}
