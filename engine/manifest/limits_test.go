package manifest

import (
	"errors"
	"strings"
	"testing"
)

// What validate accepted and up then failed on: a made-up region, a build
// outside the app, env names mvi or AWS set — each now named at its place.
func TestWhatWouldFailLateIsRefusedEarly(t *testing.T) {
	src := "name = \"x\"\nregion = \"xx-fake-9\"\n[processes.web]\nbuild = \"../../../../etc\"\nport = 80\n" +
		"[processes.web.env]\nAWS_REGION = \"x\"\nDATABASE_HOST = \"y\"\n[database]\n"
	_, err := Parse("mvi.toml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("parse: %v", err)
	}
	got := map[string]string{}
	for _, e := range errs {
		got[e.Path] = e.Msg + " | " + e.Fix
	}
	for path, want := range map[string]string{
		"region":                          "is not an AWS region",
		"processes.web.build":             "outside the app's directory",
		"processes.web.env.AWS_REGION":    "belong to the AWS SDKs",
		"processes.web.env.DATABASE_HOST": "${database.host}",
	} {
		if !strings.Contains(got[path], want) {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
	for _, ok := range []string{"us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1", "ap-southeast-7"} {
		if _, err := Parse("mvi.toml", []byte("name = \"x\"\nregion = \""+ok+"\"\n[processes.web]\nimage = \"httpd\"\n")); err != nil {
			t.Errorf("region %s refused: %v", ok, err)
		}
	}
}

// A 2,000-character secret name was accepted and failed at SSM; the error
// quotes a clipped name, so the message stays readable.
func TestLongSecretNameIsRefusedReadably(t *testing.T) {
	long := strings.Repeat("A", 2000)
	_, err := Parse("mvi.toml", []byte("name = \"x\"\nsecrets = [\""+long+"\"]\n[processes.web]\nimage = \"httpd\"\n"))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("parse: %v", err)
	}
	e := errs[0]
	if e.Path != "secrets[0]" || !strings.Contains(e.Msg, "at most 128") || strings.Contains(e.Msg, long[:200]) {
		t.Errorf("got %s: %s", e.Path, e.Msg)
	}
	if _, err := Parse("mvi.toml", []byte("name = \"x\"\nsecrets = [\""+long[:128]+"\"]\n[processes.web]\nimage = \"httpd\"\n")); err != nil {
		t.Errorf("128 characters refused: %v", err)
	}
}

// A container that fits exactly is accepted; a bigger VM makes room.
func TestContainerFitsOnItsVM(t *testing.T) {
	for src, ok := range map[string]bool{
		"[processes.web]\nimage = \"httpd\"\ncpu = 2048\nmemory = 1945\n":                             true,
		"[processes.web]\nimage = \"httpd\"\ncpu = 2049\n":                                            false,
		"[vm]\ntype = \"t3.xlarge\"\n[processes.web]\nimage = \"httpd\"\ncpu = 4096\nmemory = 8192\n": true,
	} {
		_, err := Parse("mvi.toml", []byte("name = \"x\"\n"+src))
		if (err == nil) != ok {
			t.Errorf("%q: err = %v, want ok=%v", src, err, ok)
		}
	}
}
